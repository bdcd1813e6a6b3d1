// The book's Run button: runs a listing on the local playground when the
// book is served by `cargo xtask serve`, and on play.rust-lang.org
// everywhere else.
//
// Loaded through book.toml's `additional-js`, after mdBook's book.js, which
// it leaves untouched: it replaces the play buttons that book.js created
// (dropping book.js's click handler, which only knows play.rust-lang.org's
// old /evaluate.json API, a 6 s timeout and no stderr) with its own, and
// takes over the editor's Ctrl-Enter.
//
// Which backend: only a page whose own origin is a loopback address asks
// its own server for `/meta/session` (a same-origin request). `cargo xtask
// serve` answers that the local playground is here, and whether this
// browser signed in with the link it printed (a session cookie the page
// cannot read; the browser sends it with each Run); any other server does
// not answer, and the page uses play.rust-lang.org. The published site
// never makes a request to localhost.
//
// What a listing can do comes from the page, never from its kind: the
// listings preprocessor writes `data-run` ("program", "tests", "check" or
// "none", with the reason in `data-run-none`) and the reader's command in
// `.listing-command` on each `figure.listing` (ARCHITECTURE.md, "Invariants
// and contracts").

const BOOK_STD_CRATES = new Set(['std', 'core', 'alloc', 'proc_macro', 'test', 'crate', 'self', 'super']);
const BOOK_PRIMITIVES = new Set([
    'i8', 'i16', 'i32', 'i64', 'i128', 'isize', 'u8', 'u16', 'u32', 'u64', 'u128', 'usize',
    'f32', 'f64', 'bool', 'char', 'str',
]);

// The crates a program names: `use tokio::...`, `tokio::spawn`,
// `#[tokio::main]`, `extern crate tokio`. Modules it declares itself
// and primitive types are not crates.
function bookCratesUsed(code) {
    const stripped = code
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/\/\/[^\n]*/g, ' ')
        .replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const local = new Set();
    const used = new Set();
    for (const m of stripped.matchAll(/\bmod\s+([A-Za-z_][A-Za-z0-9_]*)/g)) {
        local.add(m[1]);
    }
    // In `use a::{b::c, d as e};` only `a` can be a crate; every other
    // name in it is something the program now has in scope.
    const withoutUses = stripped.replace(/\buse\s+([^;]*);/g, (_, tree) => {
        const names = tree.match(/[A-Za-z_][A-Za-z0-9_]*/g) || [];
        const first = tree.trim().replace(/^::\s*/, '').match(/^[A-Za-z_][A-Za-z0-9_]*/);
        names.forEach(name => local.add(name));
        if (first && /^\s*(?:::\s*)?[A-Za-z_][A-Za-z0-9_]*\s*::/.test(tree)) {
            local.delete(first[0]);
            used.add(first[0]);
        }
        return ' ';
    });
    // `name::` at the start of a path, not `Type::`, not `f::<T>()`.
    for (const m of withoutUses.matchAll(/(^|[^A-Za-z0-9_:$])([a-z_][a-z0-9_]*)\s*::(?!\s*<)/g)) {
        used.add(m[2]);
    }
    for (const m of stripped.matchAll(/\bextern\s+crate\s+([A-Za-z_][A-Za-z0-9_]*)/g)) {
        used.add(m[1]);
    }
    return Array.from(used).filter(name => !BOOK_STD_CRATES.has(name) && !BOOK_PRIMITIVES.has(name) && !local.has(name));
}

// mdBook shows a listing without `fn main` (a library) wrapped, in hidden
// lines, in `#![allow(unused)]` and `fn main() { ... }` (mdbook-html's
// `wrap_rust_main`, the listing's own leading `#![...]` lines kept before
// `fn main`). Sent like that, a library's items and its `mod tests` are
// inner items of `main`: `use super::*` finds nothing and no test runs. This
// gives back the listing as its crate has it; other code is returned as is.
function bookUnwrappedMain(code) {
    const m = code.match(/^#!\[allow\(unused\)\]\r?\n((?:[ \t]*#!\[.*\r?\n|[ \t]*\r?\n)*)fn main\(\) \{\r?\n([\s\S]*?)\r?\n\}[ \t]*(?:\r?\n)?$/);
    if (!m || (m[1] + m[2]).includes('fn main') || !bookBracesNest(m[2])) {
        return code;
    }
    return m[1] + m[2] + '\n';
}

// Whether `code`'s braces close only what it opened (strings, characters and
// comments aside): the wrapper's last `}` is then the one that closes `main`.
function bookBracesNest(code) {
    const stripped = code
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/\/\/[^\n]*/g, ' ')
        .replace(/"(?:[^"\\]|\\.)*"/g, '""')
        .replace(/'(?:[^'\\]|\\.)'/g, "' '");
    let depth = 0;
    for (const c of stripped) {
        depth += c === '{' ? 1 : c === '}' ? -1 : 0;
        if (depth < 0) {
            return false;
        }
    }
    return depth === 0;
}

// The browser's `localStorage` when it can be written, or `null` when it is
// switched off or full (private windows, blocked cookies): kept edits
// (edits.js) and passed exercises (check.js) then last as long as the page.
// `probeKey` is written and removed to find out. (Even reading
// `window.localStorage` can throw; tests pass their own `storage`.)
function bookUsableStorage(probeKey, storage = () => window.localStorage) {
    try {
        const store = storage();
        store.setItem(probeKey, '1');
        store.removeItem(probeKey);
        return store;
    } catch (_) {
        return null;
    }
}

// Node.js (tests/page-script/) loads this file for the functions above.
if (typeof module !== 'undefined') {
    module.exports = {cratesUsed: bookCratesUsed, unwrappedMain: bookUnwrappedMain, usableStorage: bookUsableStorage};
}

(function bookPlayground() {
    'use strict';

    if (typeof document === 'undefined') {
        return;
    }

    const ONLINE = 'https://play.rust-lang.org';
    const ONLINE_TIMEOUT_MS = 20000;
    // Compiling, queueing and the program's own time limit, with room.
    const LOCAL_TIMEOUT_EXTRA_MS = 90000;

    const blocks = Array.from(document.querySelectorAll('pre.playground'));
    if (blocks.length === 0) {
        return;
    }

    function isLoopback(hostname) {
        return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
    }

    function fetchWithTimeout(url, options, timeoutMs) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        return fetch(url, Object.assign({}, options, {signal: controller.signal}))
            .finally(() => clearTimeout(timer));
    }

    function onlineBackend() {
        const backend = {
            kind: 'online',
            name: 'play.rust-lang.org',
            url: ONLINE + '/execute',
            headers: {'Content-Type': 'application/json'},
            timeoutMs: ONLINE_TIMEOUT_MS,
            // Filled in when /meta/crates answers; until then (or if it
            // never does) no listing is held back for its crates.
            crates: null,
        };
        fetchWithTimeout(ONLINE + '/meta/crates', {method: 'GET', mode: 'cors'}, ONLINE_TIMEOUT_MS)
            .then(response => response.ok ? response.json() : null)
            .then(reply => {
                if (reply && Array.isArray(reply.crates)) {
                    backend.crates = new Set(reply.crates.map(c => c.id));
                }
            })
            .catch(() => {});
        return backend;
    }

    function localBackend(session) {
        return {
            kind: 'local',
            name: 'the local playground',
            url: location.origin + '/execute',
            signedIn: session.signedIn,
            howToSignIn: session.howToSignIn,
            headers: {'Content-Type': 'application/json'},
            timeoutMs: session.runTimeoutSecs * 1000 + LOCAL_TIMEOUT_EXTRA_MS,
            crates: new Set(session.crates.map(c => c.id)),
            rustc: session.rustc,
        };
    }

    const backend = (location.protocol === 'http:' && isLoopback(location.hostname))
        ? fetchWithTimeout(location.origin + '/meta/session', {credentials: 'same-origin'}, 5000)
            .then(response => {
                if (!response.ok) {
                    throw new Error('no local playground here');
                }
                return response.json();
            })
            .then(session => {
                if (typeof session.signedIn !== 'boolean' || !Array.isArray(session.crates)) {
                    throw new Error('not a playground session');
                }
                return localBackend(session);
            })
            .catch(() => onlineBackend())
        : Promise.resolve(onlineBackend());

    // For the browser tests and the curious: which backend this page uses.
    // theme/edits.js turns a block into the editor to restore a saved edit;
    // theme/check.js runs an exercise's tests through `execute`.
    window.bookPlayground = {backend: backend, makeEditable: makeEditable, execute: execute};

    // ---- What a listing needs -------------------------------------------

    function listingOf(pre) {
        const figure = pre.closest('figure.listing');
        if (!figure) {
            return null;
        }
        const command = figure.querySelector('.listing-command');
        return {
            package: figure.dataset.package || '',
            run: figure.dataset.run || 'program',
            whyNot: figure.dataset.runNone || 'This listing cannot run here.',
            command: command ? command.textContent.trim() : 'cargo run -p ' + figure.dataset.package,
        };
    }

    // Why this code cannot run on `backend`, or null when it can.
    function obstacle(code, backend, listing) {
        if (listing && listing.run === 'none') {
            return listing.whyNot;
        }
        const files = code.match(/^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+[A-Za-z_][A-Za-z0-9_]*\s*;/m);
        if (files) {
            return 'This listing is made of several files (`' + files[0].trim() + '`), and '
                + backend.name + ' runs a single file.';
        }
        if (backend.crates) {
            const missing = bookCratesUsed(code).filter(name => !backend.crates.has(name));
            if (missing.length > 0) {
                return 'This listing uses ' + missing.map(n => '`' + n + '`').join(', ')
                    + ', which ' + backend.name + ' does not offer.';
            }
        }
        return null;
    }

    function editionOf(pre) {
        const code = pre.querySelector('code');
        for (const cls of code.classList) {
            if (/^edition20\d\d$/.test(cls)) {
                return cls.slice('edition'.length);
            }
        }
        return '2024';
    }

    function requestFor(pre, text) {
        const code = bookUnwrappedMain(text);
        const listing = listingOf(pre);
        const hasMain = /\bfn\s+main\s*\(/.test(code);
        const declaredTests = listing !== null && listing.run === 'tests';
        const tests = declaredTests || (!hasMain && /#\[(?:tokio::)?test\b/.test(code));
        return {
            channel: 'stable',
            mode: 'debug',
            edition: editionOf(pre),
            crateType: hasMain ? 'bin' : 'lib',
            tests: tests,
            backtrace: false,
            code: code,
        };
    }

    // ---- Output ----------------------------------------------------------

    function outputOf(pre) {
        let output = pre.nextElementSibling;
        if (!output || !output.classList.contains('playground-output')) {
            output = document.createElement('div');
            output.className = 'playground-output';
            output.setAttribute('aria-live', 'polite');
            output.innerHTML = '<div class="playground-status"></div>'
                + '<pre class="playground-stdout" data-label="stdout"><code></code></pre>'
                + '<pre class="playground-stderr" data-label="stderr"><code></code></pre>'
                + '<div class="playground-local"></div>';
            pre.after(output);
        }
        return output;
    }

    function show(pre, state, parts) {
        const output = outputOf(pre);
        output.dataset.state = state;
        output.querySelector('.playground-status').textContent = parts.status || '';
        for (const [cls, text] of [['playground-stdout', parts.stdout], ['playground-stderr', parts.stderr]]) {
            const block = output.querySelector('.' + cls);
            block.querySelector('code').textContent = text || '';
            block.hidden = !text;
        }
        const local = output.querySelector('.playground-local');
        local.textContent = '';
        local.hidden = !parts.command;
        if (parts.command) {
            local.append('Run it on your machine: ');
            const code = document.createElement('code');
            code.textContent = parts.command;
            local.append(code);
        }
    }

    function localCommand(pre) {
        const listing = listingOf(pre);
        return listing ? listing.command : null;
    }

    // ---- Running -----------------------------------------------------------

    async function run(pre) {
        if (pre.dataset.running === 'true') {
            return;
        }
        pre.dataset.running = 'true';
        try {
            await runOnce(pre);
        } finally {
            pre.dataset.running = 'false';
        }
    }

    // Sends `code`, the listing in `pre`, to the page's backend; theme/check.js
    // uses it too, with `overrides` ({tests: true}) changing the request.
    // `onSend(backend)` is called as the request goes out. Resolves to
    // {backend, obstacle} (it cannot run there, and why), {backend, error}
    // (no usable reply, said in a sentence) or {backend, reply}.
    async function execute(pre, code, overrides, onSend) {
        const chosen = await backend;
        if (chosen.kind === 'local' && !chosen.signedIn) {
            // The reader may have opened the sign-in link in another tab
            // since this page loaded: ask again.
            chosen.signedIn = await fetchWithTimeout(location.origin + '/meta/session',
                {credentials: 'same-origin'}, 5000)
                .then(response => response.ok ? response.json() : null)
                .then(session => Boolean(session && session.signedIn === true))
                .catch(() => false);
        }
        const why = obstacle(code, chosen, listingOf(pre))
            || (chosen.kind === 'local' && !chosen.signedIn ? chosen.howToSignIn : null);
        if (why) {
            return {backend: chosen, obstacle: why};
        }
        if (onSend) {
            onSend(chosen);
        }
        let response;
        try {
            response = await fetchWithTimeout(chosen.url, {
                method: 'POST',
                mode: chosen.kind === 'online' ? 'cors' : 'same-origin',
                headers: chosen.headers,
                body: JSON.stringify(Object.assign(requestFor(pre, code), overrides || {})),
            }, chosen.timeoutMs);
        } catch (error) {
            const status = error.name === 'AbortError'
                ? chosen.name + ' did not answer within ' + Math.round(chosen.timeoutMs / 1000) + ' s.'
                : 'Could not reach ' + chosen.name + ' (' + error.message + ').';
            return {backend: chosen, error: status};
        }
        let reply = null;
        try {
            reply = await response.json();
        } catch (_) {
            reply = null;
        }
        if (!response.ok || !reply || typeof reply.success !== 'boolean') {
            const detail = reply && typeof reply.error === 'string'
                ? reply.error
                : 'an unexpected reply (HTTP ' + response.status + ')';
            return {backend: chosen, error: chosen.name + ' could not run it: ' + detail};
        }
        return {backend: chosen, reply: reply};
    }

    async function runOnce(pre) {
        const code = playground_text(pre, true); // eslint-disable-line no-undef
        show(pre, 'running', {status: 'Starting…'});
        const result = await execute(pre, code, null,
            chosen => show(pre, 'running', {status: 'Running on ' + chosen.name + '…'}));
        if (result.obstacle) {
            show(pre, 'cannot-run', {status: result.obstacle, command: localCommand(pre) || null});
            return;
        }
        if (result.error) {
            show(pre, 'error', {status: result.error, command: localCommand(pre)});
            return;
        }
        const reply = result.reply;
        const chosen = result.backend;
        const where = chosen.kind === 'local' ? 'local playground' : chosen.name;
        show(pre, reply.success ? 'success' : 'failure', {
            status: reply.success
                ? 'Finished on ' + where + '.'
                : 'Failed on ' + where + (reply.exitDetail ? ' (' + reply.exitDetail + ')' : '') + '.',
            stdout: typeof reply.stdout === 'string' ? reply.stdout : '',
            stderr: typeof reply.stderr === 'string' ? reply.stderr : '',
        });
    }

    // ---- Editing -------------------------------------------------------------

    function aceTheme() {
        const html = document.documentElement;
        const dark = ['coal', 'navy', 'ayu'].some(theme => html.classList.contains(theme));
        return dark ? 'ace/theme/tomorrow_night' : 'ace/theme/dawn';
    }

    function bindRunKey(editor, pre) {
        editor.commands.addCommand({
            name: 'run',
            bindKey: {win: 'Ctrl-Enter', mac: 'Ctrl-Enter'},
            exec: () => run(pre),
        });
        // book.js may (re)bind a `run` command of its own that goes to
        // play.rust-lang.org's old API; whichever is bound, ours runs.
        editor.commands.on('exec', event => {
            if (event.command && event.command.name === 'run') {
                event.preventDefault();
                event.stopPropagation();
                run(pre);
            }
        });
    }

    // Turns a listing into mdBook's editor, showing the whole program (the
    // lines the chapter hides too, since they are part of what runs).
    // `{focus: false}`: when theme/edits.js restores a saved edit on load,
    // the page must not scroll to the block.
    function makeEditable(pre, options = {}) {
        const code = pre.querySelector('code');
        if (code.classList.contains('editable')) {
            return window.ace.edit(code);
        }
        const text = playground_text(pre, true); // eslint-disable-line no-undef
        code.classList.remove('hide-boring', 'hljs', 'language-rust');
        code.classList.add('editable');
        code.textContent = text;
        const editor = window.ace.edit(code);
        editor.setOptions({
            highlightActiveLine: false,
            showPrintMargin: false,
            showLineNumbers: Boolean(window.playground_line_numbers),
            showGutter: Boolean(window.playground_line_numbers),
            maxLines: Infinity,
            fontSize: '0.875em',
        });
        editor.$blockScrolling = Infinity;
        editor.getSession().setMode('ace/mode/rust');
        editor.setTheme(aceTheme());
        editor.originalCode = text;
        if (Array.isArray(window.editors)) {
            window.editors.push(editor);
        }
        bindRunKey(editor, pre);
        const buttons = pre.querySelector('.buttons');
        buttons.querySelectorAll('button').forEach(button => {
            if (button.title === 'Show hidden lines' || button.title === 'Hide lines'
                || button.classList.contains('edit-button')) {
                button.remove();
            }
        });
        // Reset (the book's version back, the saved edit forgotten) is
        // theme/edits.js's visible button, told of the editor here.
        pre.dispatchEvent(new CustomEvent('book-editor', {bubbles: true, detail: {editor: editor}}));
        if (options.focus !== false) {
            editor.focus();
        }
        return editor;
    }

    // ---- Buttons ---------------------------------------------------------------

    blocks.forEach(pre => {
        const code = pre.querySelector('code');
        const old = pre.querySelector('.play-button');
        if (!old) {
            return;
        }
        // A fresh button sheds book.js's click handler.
        const button = old.cloneNode(true);
        old.replaceWith(button);
        const noRun = code.classList.contains('no_run');
        button.hidden = noRun;
        button.classList.toggle('hidden', noRun);
        button.addEventListener('click', () => run(pre));

        if (window.ace) {
            if (code.classList.contains('editable')) {
                bindRunKey(window.ace.edit(code), pre);
            } else {
                const edit = document.createElement('button');
                edit.className = 'edit-button';
                edit.title = 'Edit this code';
                edit.setAttribute('aria-label', edit.title);
                edit.textContent = '✎';
                edit.addEventListener('click', () => makeEditable(pre));
                button.before(edit);
            }
        }
    });
})();
