// The Check button of an exercise's starter, the progress marker, and the
// keyboard (theme/check.js, theme/check.css) in headless Chromium (Debian's
// `chromium`, driven by playwright-core), against `cargo xtask serve`, as
// run-button.test.mjs: locally on the book's playground, and online with a
// stand-in for play.rust-lang.org that answers as libtest would.
//
// Nothing here reaches the internet: every request to a host other than
// loopback (and the pretend public host, served from the local book) is
// refused.
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {ROOT, isLocal, signIn, withBookAndBrowser} from './book.mjs';

const CHAPTER = 'ch08-shared-state.html';
const EXERCISE = 'ch08-ex-transfer';
const SOLUTION_FILE = 'listings/ch08/ex-transfer-solution/src/lib.rs';
const KEY = `async-rust-book/passed/v1/${EXERCISE}`;
const TESTS = ['moves_the_money', 'opposite_transfers_do_not_deadlock', 'many_transfers_keep_the_total'];
// Another chapter's exercise, to see that progress is kept per package.
const OTHER_CHAPTER = 'ch02-async-await.html';
const OTHER_EXERCISE = 'ch02-ex-countdown';
const PUBLIC = 'http://async-rust-book.test';

let bookUrl = null;
let browser = null;

withBookAndBrowser(started => ({bookUrl, browser} = started));

// How many exercises the book has, counted from the crates on disk (their
// Cargo.toml's kind), not from the page.
function exercisesOnDisk() {
    let count = 0;
    for (const chapter of readdirSync(join(ROOT, 'listings')).filter(n => /^ch\d+$/.test(n))) {
        for (const name of readdirSync(join(ROOT, 'listings', chapter))) {
            const manifest = join(ROOT, 'listings', chapter, name, 'Cargo.toml');
            if (existsSync(manifest) && /^kind = "exercise"$/m.test(readFileSync(manifest, 'utf8'))) {
                count += 1;
            }
        }
    }
    return count;
}

// A fresh browser profile (its own localStorage) that refuses every
// request off this machine except the pretend public host's.
async function freshContext() {
    const context = await browser.newContext();
    await context.route(url => !isLocal(url) && !url.href.startsWith(PUBLIC), route => route.abort());
    // Signed in to Run on the local playground, as with the printed link.
    await signIn(context, bookUrl);
    return context;
}

function figureOf(page, pkg = EXERCISE) {
    return page.locator(`figure.listing[data-package="${pkg}"]`).first();
}

// Clicks Check and waits until its results are in a final state.
async function check(figure, finalState) {
    await figure.locator('.check-button').click();
    return resultsOf(figure, finalState);
}

async function resultsOf(figure, finalState) {
    const results = figure.locator('.check-results');
    await figure.locator(`.check-results[data-state="${finalState}"]`).waitFor({timeout: 120000})
        .catch(async error => {
            const state = await results.getAttribute('data-state').catch(() => 'none');
            const text = await results.innerText().catch(() => '(no results)');
            throw new Error(`expected Check to end in state ${finalState}, got ${state}: ${text}\n${error.message}`);
        });
    const tests = await results.locator('li.check-test').evaluateAll(items => items.map(li => ({
        name: li.querySelector('.check-name').textContent,
        outcome: li.dataset.outcome,
        text: Array.from(li.childNodes).filter(n => n.nodeName !== 'PRE').map(n => n.textContent).join(''),
        detail: li.querySelector('.check-detail') ? li.querySelector('.check-detail').textContent : '',
    })));
    return {
        results,
        status: await results.locator('.check-status').textContent(),
        tests,
        live: await results.getAttribute('aria-live'),
    };
}

// Opens the editor with the ✎ button and puts `code` in it.
async function setCode(figure, code) {
    const pre = figure.locator('pre.playground');
    await pre.hover();
    const edit = pre.locator('.edit-button');
    if (await edit.count()) {
        await edit.click();
    }
    await pre.locator('code.editable.ace_editor').waitFor();
    await pre.evaluate((element, text) => {
        window.ace.edit(element.querySelector('code')).setValue(text, 1);
    }, code);
}

function bareNames(tests) {
    return tests.map(t => t.name.split('::').pop()).sort();
}

// ---- Local: the book's playground ------------------------------------------------

test('check: on the starter, each test is named and said to have failed', {timeout: 180000}, async () => {
    const context = await freshContext();
    const page = await context.newPage();
    await page.goto(`${bookUrl}/${CHAPTER}`);
    const figure = figureOf(page);
    assert.equal(await figure.getAttribute('data-run'), 'check');
    const total = exercisesOnDisk();
    assert.equal(await figure.locator('.check-progress').textContent(),
        `You have passed 0 of ${total} exercises in this browser.`);
    assert.equal(await figure.locator('.check-marker').isVisible(), false, 'not passed before any Check');

    const {status, tests, live, results} = await check(figure, 'failed');
    assert.equal(live, 'polite', 'the results are announced');
    assert.equal(status, 'Checked on the local playground: 0 of 3 tests passed, 3 failed.');
    assert.deepEqual(bareNames(tests), [...TESTS].sort(), 'every test of the listing, by name');
    for (const t of tests) {
        assert.equal(t.outcome, 'failed', t.name);
        assert.equal(t.text, `✗ ${t.name} failed`, 'in plain words');
        assert.match(t.detail, /not yet implemented: lock account \d and account \d/, 'with why it failed');
    }
    const raw = results.locator('details.check-raw');
    assert.equal(await raw.getAttribute('open'), null, 'the raw output is folded');
    assert.match(await raw.locator('.check-raw-stdout').textContent(), /test result: FAILED\. 0 passed; 3 failed/);
    assert.equal(await figure.locator('.check-marker').isVisible(), false, 'a failing Check marks nothing');
    assert.equal(await page.evaluate(k => localStorage.getItem(k), KEY), null);
    await context.close();
});

test('check: the solution\u2019s code passes every test, marks the exercise, and the mark survives a reload',
    {timeout: 180000}, async () => {
        const context = await freshContext();
        const page = await context.newPage();
        await page.goto(`${bookUrl}/${CHAPTER}`);
        const figure = figureOf(page);
        const total = exercisesOnDisk();
        await setCode(figure, readFileSync(join(ROOT, SOLUTION_FILE), 'utf8'));

        const {status, tests} = await check(figure, 'passed');
        assert.equal(status,
            'All 3 tests passed on the local playground. This exercise is marked as passed in this browser.');
        assert.deepEqual(bareNames(tests), [...TESTS].sort());
        for (const t of tests) {
            assert.equal(t.text, `✓ ${t.name} passed`);
        }
        const marker = figure.locator('.check-marker');
        assert.equal(await marker.isVisible(), true);
        assert.equal(await marker.textContent(), 'Passed in this browser ✓');
        assert.equal(await figure.locator('.check-progress').textContent(),
            `You have passed 1 of ${total} exercises in this browser.`);
        const saved = await page.evaluate(k => JSON.parse(localStorage.getItem(k)), KEY);
        assert.equal(saved.v, 1);

        await page.reload();
        const again = figureOf(page);
        await again.locator('.check-marker').waitFor({state: 'visible'});
        assert.equal(await again.locator('.check-progress').textContent(),
            `You have passed 1 of ${total} exercises in this browser.`);

        // Kept per package: another chapter's exercise is not marked, and
        // counts this one.
        await page.goto(`${bookUrl}/${OTHER_CHAPTER}`);
        const other = figureOf(page, OTHER_EXERCISE);
        await other.locator('.check-progress').waitFor();
        assert.equal(await other.locator('.check-marker').isVisible(), false);
        assert.equal(await other.locator('.check-progress').textContent(),
            `You have passed 1 of ${total} exercises in this browser.`);
        await context.close();
    });

// ---- Online: a stand-in for play.rust-lang.org ------------------------------------

const CORS = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST',
};

// libtest's report of a run of the three tests, `failing` among them failed.
function libtestReply(failing) {
    const lines = ['', 'running 3 tests'];
    for (const name of TESTS) {
        lines.push(`test tests::${name} ... ${failing.includes(name) ? 'FAILED' : 'ok'}`);
    }
    if (failing.length > 0) {
        lines.push('', 'failures:', '');
        for (const name of failing) {
            lines.push(`---- tests::${name} stdout ----`, '',
                `thread 'tests::${name}' panicked at src/lib.rs:99:9:`, 'the two transfers deadlocked: Elapsed(())', '');
        }
        lines.push('', 'failures:', ...failing.map(n => `    tests::${n}`), '');
    }
    const passed = TESTS.length - failing.length;
    lines.push(`test result: ${failing.length ? 'FAILED' : 'ok'}. ${passed} passed; ${failing.length} failed; `
        + '0 ignored; 0 measured; 0 filtered out; finished in 0.02s', '');
    return {
        success: failing.length === 0,
        exitDetail: failing.length ? 'exit status: 101' : '',
        stdout: lines.join('\n'),
        stderr: '   Compiling playground v0.0.1 (/playground)\n    Finished `test` profile\n'
            + '     Running unittests src/lib.rs (target/debug/deps/playground-0123)\n',
    };
}

// A page of the book as the public site serves it, with play.rust-lang.org
// played by `execute`.
async function publicPage(context, execute) {
    const page = await context.newPage();
    await page.route(`${PUBLIC}/**`, async route => {
        const url = new URL(route.request().url());
        const response = await route.fetch({url: bookUrl + url.pathname});
        await route.fulfill({response});
    });
    await page.route('https://play.rust-lang.org/**', async route => {
        const request = route.request();
        if (request.method() === 'OPTIONS') {
            return route.fulfill({status: 204, headers: CORS});
        }
        const path = new URL(request.url()).pathname;
        if (path === '/meta/crates') {
            return route.fulfill({
                status: 200, headers: CORS, contentType: 'application/json',
                body: JSON.stringify({crates: [{name: 'tokio', version: '1.0.0', id: 'tokio'}]}),
            });
        }
        if (path === '/execute') {
            return route.fulfill({
                status: 200, headers: CORS, contentType: 'application/json',
                body: JSON.stringify(execute(JSON.parse(request.postData()))),
            });
        }
        return route.fulfill({status: 404, headers: CORS, body: 'not here'});
    });
    await page.goto(`${PUBLIC}/${CHAPTER}`);
    assert.equal(await page.evaluate(() => window.bookPlayground.backend.then(b => b.kind)), 'online');
    return page;
}

test('check online: play.rust-lang.org\u2019s report shows the same per-test results', {timeout: 120000}, async () => {
    const context = await freshContext();
    const sent = [];
    let failing = ['opposite_transfers_do_not_deadlock'];
    const page = await publicPage(context, body => {
        sent.push(body);
        return libtestReply(failing);
    });
    const figure = figureOf(page);

    let {status, tests} = await check(figure, 'failed');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].tests, true, 'Check asks for the tests');
    assert.equal(sent[0].edition, '2024');
    assert.match(sent[0].code, /async fn lock_both/, 'the whole listing is sent');
    assert.equal(status, 'Checked on play.rust-lang.org: 2 of 3 tests passed, 1 failed.');
    assert.deepEqual(tests.map(t => [t.name, t.outcome]), [
        ['tests::moves_the_money', 'ok'],
        ['tests::opposite_transfers_do_not_deadlock', 'failed'],
        ['tests::many_transfers_keep_the_total', 'ok'],
    ]);
    assert.equal(tests[1].text, '✗ tests::opposite_transfers_do_not_deadlock failed');
    assert.equal(tests[1].detail,
        'thread \'tests::opposite_transfers_do_not_deadlock\' panicked at src/lib.rs:99:9:\n'
        + 'the two transfers deadlocked: Elapsed(())');
    assert.equal(await figure.locator('.check-marker').isVisible(), false);

    failing = [];
    ({status, tests} = await check(figure, 'passed'));
    assert.equal(status, 'All 3 tests passed on play.rust-lang.org. This exercise is marked as passed in this browser.');
    assert.ok(tests.every(t => t.outcome === 'ok'));
    assert.equal(await figure.locator('.check-marker').isVisible(), true);
    assert.notEqual(await page.evaluate(k => localStorage.getItem(k), KEY), null);
    await context.close();
});

test('check online: a compile error is shown as one, not as "0 passed"', {timeout: 120000}, async () => {
    const context = await freshContext();
    const page = await publicPage(context, () => ({
        success: false,
        exitDetail: 'exit status: 101',
        stdout: '',
        stderr: '   Compiling playground v0.0.1 (/playground)\n'
            + 'error[E0308]: mismatched types\n --> src/lib.rs:33:5\n'
            + 'error: could not compile `playground` (lib test) due to 1 previous error\n',
    }));
    const figure = figureOf(page);
    const {status, tests, results} = await check(figure, 'compile-error');
    assert.equal(status, 'Your code does not compile, so no test ran. The compiler says:');
    assert.deepEqual(tests, []);
    assert.match(await results.locator('.check-errors').textContent(), /error\[E0308\]: mismatched types/);
    assert.doesNotMatch(await results.innerText(), /0 of 3|passed/);
    await context.close();
});

// ---- Keyboard ------------------------------------------------------------------------

// Presses Tab until `target` has the focus; fails after `max` presses.
async function tabTo(page, target, max) {
    for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (await target.evaluate(element => element === document.activeElement)) {
            return i + 1;
        }
    }
    const focused = await page.evaluate(() => document.activeElement.outerHTML.slice(0, 200));
    throw new Error(`${max} presses of Tab did not reach it; the focus is on ${focused}`);
}

test('keyboard: Tab to Run, Enter runs, Tab to Check, Space checks; both outputs are announced', {timeout: 180000},
    async () => {
        const context = await freshContext();
        const page = await context.newPage();
        await page.goto(`${bookUrl}/${CHAPTER}`);
        const figure = figureOf(page);
        // Start just before the listing, as a reader tabbing down the page
        // would arrive there.
        await figure.locator('a.listing-number').focus();
        const run = figure.locator('.play-button');
        await tabTo(page, run, 10);
        // The block's buttons show while the focus is in the block, though
        // the mouse is nowhere near it.
        await page.waitForFunction(() => {
            const bar = document.activeElement.closest('.buttons');
            return bar && getComputedStyle(bar).opacity === '1' && getComputedStyle(bar).visibility === 'visible';
        });
        assert.equal(await run.evaluate(b => b.tagName), 'BUTTON');
        assert.notEqual(await run.evaluate(b => getComputedStyle(b).outlineStyle), 'none', 'focus is visible');
        await page.keyboard.press('Enter');
        const output = figure.locator('.playground-output');
        await figure.locator('.playground-output[data-state="failure"]').waitFor({timeout: 120000})
            .catch(async error => {
                throw new Error(`Run did not fail as the starter does: ${await output.innerText()}\n${error.message}`);
            });
        assert.equal(await output.getAttribute('aria-live'), 'polite');
        assert.match(await output.locator('.playground-stdout').textContent(), /test tests::moves_the_money \.\.\. FAILED/);

        const checkButton = figure.locator('.check-button');
        await tabTo(page, checkButton, 10);
        assert.notEqual(await checkButton.evaluate(b => getComputedStyle(b).outlineStyle), 'none', 'focus is visible');
        await page.keyboard.press('Space');
        const {live, status} = await resultsOf(figure, 'failed');
        assert.equal(live, 'polite');
        assert.equal(status, 'Checked on the local playground: 0 of 3 tests passed, 3 failed.');
        await context.close();
    });

test('keyboard: arrow keys typed in the editor stay in the editor and never turn the page', {timeout: 120000},
    async () => {
        const context = await freshContext();
        const page = await context.newPage();
        await page.goto(`${bookUrl}/${CHAPTER}`);
        // mdBook turns the page by following these links; make a turn visible
        // as a change of the URL's fragment, without leaving the page.
        const links = await page.evaluate(() => {
            const found = document.querySelectorAll('a.nav-chapters, a.mobile-nav-chapters');
            found.forEach(a => {
                a.href = '#turned-' + (a.classList.contains('next') ? 'next' : 'previous');
            });
            return found.length;
        });
        assert.ok(links > 0, 'the page has links to the next and previous chapters');
        const url = page.url();
        const figure = figureOf(page);
        const pre = figure.locator('pre.playground');
        await pre.hover();
        await pre.locator('.edit-button').click();
        await pre.locator('code.editable.ace_editor').waitFor();
        const cursor = () => pre.evaluate(element => {
            const position = window.ace.edit(element.querySelector('code')).getCursorPosition();
            return [position.row, position.column];
        });
        await pre.evaluate(element => window.ace.edit(element.querySelector('code')).moveCursorTo(3, 4));
        await pre.locator('textarea.ace_text-input').focus();
        for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'ArrowRight']) {
            await page.keyboard.press(key);
            assert.equal(page.url(), url, `${key} in the editor did not turn the page`);
        }
        assert.deepEqual(await cursor(), [3, 6], 'the editor moved its cursor');
        await page.keyboard.type('x');
        assert.equal(page.url(), url);

        // Tab indents in the editor (Ace); Escape leaves it, for the next
        // control: Check.
        assert.match(await pre.locator('textarea.ace_text-input').getAttribute('aria-label'),
            /^Code editor for Listing 8-\d+\. Escape leaves the editor/);
        await page.keyboard.press('Escape');
        assert.equal(await figure.locator('.check-button').evaluate(b => b === document.activeElement), true,
            'Escape moved the focus out of the editor, to Check');
        assert.equal(page.url(), url);

        // The same key outside the editor does turn it: the check above can fail.
        await page.evaluate(() => document.activeElement.blur());
        await page.keyboard.press('ArrowRight');
        await page.waitForURL(/#turned-next$/);
        await context.close();
    });
