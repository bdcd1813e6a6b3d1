// The Check button of an exercise's starter, and the reader's progress.
//
// Loaded through book.toml's `additional-js` after theme/playground.js,
// whose `window.bookPlayground.execute` sends the code to the page's
// backend (the local playground under `cargo xtask serve`, play.rust-lang.org
// elsewhere) with `tests: true`.
//
// What it relies on from the page (ARCHITECTURE.md, "Invariants and
// contracts"): a `figure.listing[data-run="check"]` is an exercise's starter,
// its `data-package` names it and its `data-exercises` lists every exercise
// the book shows (space-separated packages), so the progress line counts
// against the book, not a list in this script. It never reads `data-kind`.
//
// Check runs the tests of the code in the block (the reader's edit, if any)
// and shows each test by name, passed or failed, from libtest's report
// (`test NAME ... ok|FAILED|ignored`, and the `---- NAME stdout ----`
// section of each failure); a compile error is shown as one. When every
// test the book's version of the listing has passes, the exercise is
// remembered as passed in this browser (`localStorage`, keyed by package);
// Reset of the edit does not forget it.

const PASSED_KEY_PREFIX = 'async-rust-book/passed/v1/';

// `async-rust-book/passed/v1/ch08-ex-transfer`.
function passedKey(pkg) {
    return PASSED_KEY_PREFIX + pkg;
}

// libtest's report, from a test executable's stdout: the tests in the
// order it reported them ({name, outcome: 'ok' | 'failed' | 'ignored'}),
// the text of each failure's `---- NAME stdout ----` section, whether it
// started (`running N tests`) and whether it finished (`test result:`).
// A crate's report may hold several runs (unit tests, doc-tests): all are
// read.
function parseLibtest(stdout) {
    const lines = String(stdout || '').split('\n');
    const tests = [];
    const failures = {};
    let started = false;
    let finished = false;
    let section = null;
    for (const line of lines) {
        if (/^running \d+ tests?$/.test(line)) {
            started = true;
            section = null;
            continue;
        }
        if (/^test result: /.test(line)) {
            finished = true;
            section = null;
            continue;
        }
        const header = line.match(/^---- (.+) (?:stdout|stderr) ----$/);
        if (header) {
            section = header[1].replace(/ - should panic$/, '');
            failures[section] = failures[section] ? failures[section] + '\n' : '';
            continue;
        }
        if (section !== null) {
            if (line === 'failures:' || line === 'successes:') {
                section = null;
                continue;
            }
            failures[section] += (failures[section] === '' ? '' : '\n') + line;
            continue;
        }
        const m = line.match(/^test (.+) \.\.\. (ok|FAILED|ignored)(?:, .*)?$/);
        if (m) {
            started = true;
            tests.push({name: m[1].replace(/ - should panic$/, ''), outcome: m[2] === 'FAILED' ? 'failed' : m[2]});
        }
    }
    for (const name of Object.keys(failures)) {
        failures[name] = failures[name].trim();
    }
    return {tests, failures, started, finished};
}

// The test functions a listing's source declares (`#[test]`,
// `#[tokio::test(...)]`, then other attributes, then `fn NAME`), by name.
function expectedTests(source) {
    const code = String(source || '')
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/^\s*\/\/.*$/gm, ' ');
    const names = [];
    const re = /#\[\s*(?:tokio\s*::\s*)?test\b(?:\s*\([^)]*\))?\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)/g;
    for (const m of code.matchAll(re)) {
        names.push(m[1]);
    }
    return names;
}

function lastSegment(name) {
    const parts = name.split('::');
    return parts[parts.length - 1];
}

// What a Check's reply means. `reply` is play.rust-lang.org's
// {success, exitDetail, stdout, stderr}; `expected` the names of the tests
// the book's version of the listing has. Returns
// {state, tests: [{name, outcome, detail}], counts, errors}, where state is
// 'passed' (every expected test passed, none failed), 'failed' (the tests
// ran; some did not pass), 'compile-error' (nothing ran; the compiler's
// errors are in `errors`) or 'not-run' (nothing ran, for another reason).
// An outcome is 'ok', 'failed', 'ignored', 'missing' (a test of the book's
// that the code no longer has) or 'unfinished' (never reported: the run
// was stopped).
function checkVerdict(reply, expected) {
    const stdout = typeof reply.stdout === 'string' ? reply.stdout : '';
    const stderr = typeof reply.stderr === 'string' ? reply.stderr : '';
    const report = parseLibtest(stdout);
    const counts = {ok: 0, failed: 0, ignored: 0, missing: 0, unfinished: 0};
    if (!report.started) {
        const errors = stderr.split('\n').filter(line => /^error(?:\[E\d+\])?: /.test(line));
        const compileError = !reply.success && errors.length > 0;
        return {state: compileError ? 'compile-error' : 'not-run', tests: [], counts, errors};
    }
    const tests = report.tests.map(t => ({
        name: t.name,
        outcome: t.outcome,
        detail: t.outcome === 'failed' ? (report.failures[t.name] || '') : '',
    }));
    const reported = new Set(tests.map(t => lastSegment(t.name)));
    for (const name of expected) {
        if (!reported.has(name)) {
            reported.add(name);
            tests.push({name, outcome: report.finished ? 'missing' : 'unfinished', detail: ''});
        }
    }
    for (const t of tests) {
        counts[t.outcome] += 1;
    }
    const passed = reply.success === true && report.finished && counts.ok > 0
        && counts.ok === tests.length;
    return {state: passed ? 'passed' : 'failed', tests, counts, errors: []};
}

// A test's outcome in plain words.
function outcomeWords(outcome) {
    return {
        ok: 'passed',
        failed: 'failed',
        ignored: 'ignored (not run)',
        missing: 'not run: the book\u2019s test is missing from your code',
        unfinished: 'did not finish',
    }[outcome];
}

// "2 of 3 tests passed, 1 failed."
function countsWords(counts, total) {
    const parts = [counts.ok + ' of ' + total + ' test' + (total === 1 ? '' : 's') + ' passed'];
    for (const outcome of ['failed', 'ignored', 'missing', 'unfinished']) {
        if (counts[outcome] > 0) {
            parts.push(counts[outcome] + ' ' + {
                failed: 'failed', ignored: 'ignored', missing: 'missing', unfinished: 'did not finish',
            }[outcome]);
        }
    }
    return parts.join(', ') + '.';
}

// "You have passed 3 of 20 exercises in this browser."
function progressWords(exercises, isPassed) {
    const passed = exercises.filter(isPassed).length;
    return 'You have passed ' + passed + ' of ' + exercises.length + ' exercise'
        + (exercises.length === 1 ? '' : 's') + ' in this browser.';
}

// Node.js (tests/page-script/) loads this file for the functions above.
if (typeof module !== 'undefined') {
    module.exports = {passedKey, parseLibtest, expectedTests, checkVerdict, outcomeWords, countsWords, progressWords};
}

(function bookCheck() {
    'use strict';

    if (typeof document === 'undefined' || !window.bookPlayground || !window.bookPlayground.execute) {
        return;
    }
    if (/\/print\.html$/.test(location.pathname)) {
        return;
    }

    // See bookUsableStorage in playground.js (loaded first: book.toml).
    const store = bookUsableStorage(PASSED_KEY_PREFIX + 'probe'); // eslint-disable-line no-undef

    function isPassed(pkg) {
        try {
            return Boolean(store && store.getItem(passedKey(pkg)));
        } catch (_) {
            return false;
        }
    }

    function remember(pkg) {
        if (!store) {
            return false;
        }
        try {
            store.setItem(passedKey(pkg), JSON.stringify({v: 1, passed: new Date().toISOString()}));
            return true;
        } catch (_) {
            return false;
        }
    }

    function element(tag, cls, text) {
        const e = document.createElement(tag);
        if (cls) {
            e.className = cls;
        }
        if (text !== undefined) {
            e.textContent = text;
        }
        return e;
    }

    const panels = [];

    function refreshProgress() {
        for (const panel of panels) {
            const passed = isPassed(panel.pkg);
            panel.marker.hidden = !passed;
            panel.progress.textContent = store
                ? progressWords(panel.exercises, isPassed)
                : 'This browser keeps no storage for this page, so passed exercises are not remembered.';
        }
    }

    function setUp(figure) {
        const pre = figure.querySelector('pre.playground');
        const code = pre && pre.querySelector('code');
        if (!code) {
            return;
        }
        const pkg = figure.dataset.package;
        const exercises = (figure.dataset.exercises || '').split(/\s+/).filter(Boolean);
        if (exercises.indexOf(pkg) === -1) {
            exercises.push(pkg);
        }
        const number = figure.querySelector('.listing-number');
        const label = number ? number.textContent.trim() : pkg;
        const command = figure.querySelector('.listing-command');
        // The book's version, for the names of its tests: the editor keeps
        // it when theme/edits.js has already put a saved edit back.
        const existing = window.ace && code.classList.contains('editable') ? window.ace.edit(code) : null;
        const source = existing && typeof existing.originalCode === 'string'
            ? existing.originalCode
            : playground_text(pre, true); // eslint-disable-line no-undef
        const expected = expectedTests(source);

        const panel = element('div', 'listing-check');
        panel.setAttribute('role', 'group');
        panel.setAttribute('aria-label', 'Check ' + label);
        const bar = element('div', 'check-bar');
        const button = element('button', 'check-button', 'Check');
        button.type = 'button';
        button.setAttribute('aria-label', 'Check ' + label + ': run its tests');
        const marker = element('span', 'check-marker', 'Passed in this browser \u2713');
        marker.hidden = true;
        const progress = element('span', 'check-progress');
        bar.append(button, marker, progress);
        const results = element('div', 'check-results');
        results.setAttribute('aria-live', 'polite');
        panel.append(bar, results);
        // After the block and after Run's output, which playground.js
        // puts right after the block.
        pre.after(panel);

        const state = {pkg, exercises, marker, progress};
        panels.push(state);
        let running = false;

        function showResult(kind, status, verdict, reply, where) {
            results.textContent = '';
            results.dataset.state = kind;
            results.append(element('p', 'check-status', status));
            if (verdict && verdict.state === 'compile-error') {
                const errors = element('pre', 'check-errors');
                errors.append(element('code', null, reply.stderr));
                results.append(errors);
            }
            if (verdict && verdict.tests.length > 0) {
                const list = element('ul', 'check-tests');
                for (const t of verdict.tests) {
                    const item = element('li', 'check-test');
                    item.dataset.outcome = t.outcome;
                    item.append(element('span', 'check-mark', t.outcome === 'ok' ? '\u2713' : '\u2717'));
                    item.firstChild.setAttribute('aria-hidden', 'true');
                    item.append(' ', element('code', 'check-name', t.name), ' ' + outcomeWords(t.outcome));
                    if (t.detail) {
                        const detail = element('pre', 'check-detail');
                        detail.append(element('code', null, t.detail));
                        item.append(detail);
                    }
                    list.append(item);
                }
                results.append(list);
            }
            if (reply) {
                const raw = element('details', 'check-raw');
                raw.append(element('summary', null, 'Raw output' + (where ? ' from ' + where : '')));
                for (const [name, text] of [['stdout', reply.stdout], ['stderr', reply.stderr]]) {
                    const block = element('pre', 'check-raw-' + name);
                    block.dataset.label = name;
                    block.append(element('code', null, typeof text === 'string' ? text : ''));
                    raw.append(block);
                }
                results.append(raw);
            }
            if (kind === 'cannot-run' || kind === 'error') {
                const local = element('p', 'check-local', 'Check it on your machine: ');
                local.append(element('code', null, command ? command.textContent.trim() : 'cargo test -p ' + pkg));
                results.append(local);
            }
        }

        async function check() {
            if (running) {
                return;
            }
            running = true;
            button.setAttribute('aria-disabled', 'true');
            results.setAttribute('aria-busy', 'true');
            results.dataset.state = 'running';
            results.textContent = '';
            results.append(element('p', 'check-status', 'Checking\u2026'));
            try {
                const text = playground_text(pre, true); // eslint-disable-line no-undef
                const result = await window.bookPlayground.execute(pre, text, {tests: true, backtrace: false},
                    chosen => {
                        results.firstChild.textContent = 'Running the tests on ' + chosen.name + '\u2026';
                    });
                const where = result.backend.kind === 'local' ? 'the local playground' : result.backend.name;
                if (result.obstacle) {
                    showResult('cannot-run', 'Check cannot run here: ' + result.obstacle, null, null, where);
                    return;
                }
                if (result.error) {
                    showResult('error', result.error, null, null, where);
                    return;
                }
                const reply = result.reply;
                const verdict = checkVerdict(reply, expected);
                let status;
                if (verdict.state === 'compile-error') {
                    status = 'Your code does not compile, so no test ran. The compiler says:';
                } else if (verdict.state === 'not-run') {
                    status = 'The tests did not run on ' + where
                        + (reply.exitDetail ? ' (' + reply.exitDetail + ')' : '') + '; the raw output is below.';
                } else if (verdict.state === 'passed') {
                    const kept = remember(pkg);
                    status = 'All ' + verdict.tests.length + ' tests passed on ' + where + '.'
                        + (kept ? ' This exercise is marked as passed in this browser.' : '');
                } else {
                    status = 'Checked on ' + where + ': ' + countsWords(verdict.counts, verdict.tests.length);
                }
                showResult(verdict.state, status, verdict, reply, where);
                refreshProgress();
            } finally {
                running = false;
                button.removeAttribute('aria-disabled');
                results.removeAttribute('aria-busy');
            }
        }

        button.addEventListener('click', check);
    }

    // ---- Keyboard: leaving the editor ------------------------------------
    // In mdBook's editor (Ace 1.4) Tab indents, so Tab alone cannot leave
    // it: Escape moves the focus to the next control after the block (an
    // exercise's Check button). Ctrl-Enter runs (playground.js). The
    // editor's text input says both.
    // Arrow keys stay in the editor: mdBook's book.js turns the page only
    // when the key's target is not a textarea, which Ace's input is.
    const FOCUSABLE = 'a[href], button:not([disabled]), input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

    function keyboardFor(pre, editor) {
        if (!editor || !editor.commands || editor.bookKeyboard) {
            return;
        }
        editor.bookKeyboard = true;
        const figure = pre.closest('figure.listing');
        const number = figure && figure.querySelector('.listing-number');
        const name = number ? number.textContent.trim() : 'this code';
        editor.textInput.getElement().setAttribute('aria-label',
            'Code editor for ' + name + '. Escape leaves the editor; Ctrl-Enter runs the code.');
        editor.commands.addCommand({
            name: 'leaveEditor',
            bindKey: {win: 'Esc', mac: 'Esc'},
            exec: () => {
                const next = Array.from(document.querySelectorAll(FOCUSABLE)).find(element =>
                    !pre.contains(element)
                    && (pre.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)
                    && element.getClientRects().length > 0);
                if (next) {
                    next.focus();
                } else {
                    editor.blur();
                }
            },
        });
    }
    document.addEventListener('book-editor', event => keyboardFor(event.target, event.detail.editor));
    if (window.ace) {
        document.querySelectorAll('pre.playground code.editable.ace_editor').forEach(code => {
            keyboardFor(code.closest('pre'), window.ace.edit(code));
        });
    }

    // One Check per exercise on a page: on the first block of its package
    // (the part with the code to write, when a chapter shows it in parts).
    const seen = new Set();
    document.querySelectorAll('figure.listing[data-run="check"]').forEach(figure => {
        const pkg = figure.dataset.package;
        if (!pkg || seen.has(pkg)) {
            return;
        }
        seen.add(pkg);
        setUp(figure);
    });
    refreshProgress();
    // Another tab may pass an exercise.
    window.addEventListener('storage', event => {
        if (event.key === null || String(event.key).startsWith(PASSED_KEY_PREFIX)) {
            refreshProgress();
        }
    });
})();
