// The Run button in headless Chromium (Debian's `chromium`, driven by
// playwright-core; no browser is downloaded).
//
// Local: against `cargo xtask serve` — the book's pages run code on the
// local playground. Online: the same pages, served as if from a public
// host, run code on play.rust-lang.org — here a stand-in, by intercepting
// the page's requests — with its success, an error reply, and a timeout.
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {spawn} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium} from 'playwright-core';
import {ROOT, CHROMIUM, CHROMIUM_ARGS, isLocal, signIn, signInLink, withBookAndContext} from './book.mjs';

// A chapter with a tokio listing, and that listing.
const CHAPTER = 'ch02-async-await.html';
const LISTING = 'ch02-tokio-main';
const LISTING_DIR = 'listings/ch02/tokio-main';
// Where the page pretends to be published, for the online tests.
const PUBLIC = 'http://async-rust-book.test';

let bookUrl = null;
let context = null;

// Nothing in these tests may reach the internet: whatever is not local and
// not handled by a test's own route for PUBLIC is refused.
withBookAndContext('browser', async started => {
    ({bookUrl, context} = started);
    await signIn(context, bookUrl);
}, url => url.href.startsWith(PUBLIC));

// The listing's <pre>, with its buttons showing (they appear on hover).
async function listing(page, pkg = LISTING) {
    const figure = page.locator(`figure.listing[data-package="${pkg}"]`);
    assert.equal(await figure.count(), 1, `${CHAPTER} shows listing ${pkg} once`);
    const pre = figure.locator('pre.playground');
    await pre.hover();
    return {figure, pre};
}

async function clickRun(page, pre) {
    await pre.hover();
    await pre.locator('.play-button').click();
}

async function outputOf(figure, finalState) {
    const output = figure.locator('.playground-output');
    await output.and(figure.locator(`.playground-output[data-state="${finalState}"]`))
        .waitFor({timeout: 60000})
        .catch(async error => {
            const state = await output.getAttribute('data-state').catch(() => 'none');
            const text = await output.innerText().catch(() => '(no output block)');
            throw new Error(`expected Run to end in state ${finalState}, got ${state}: ${text}\n${error.message}`);
        });
    const visibleText = async cls => {
        const block = output.locator('.' + cls);
        return (await block.isVisible()) ? block.locator('code').textContent() : '';
    };
    return {
        status: await output.locator('.playground-status').textContent(),
        stdout: await visibleText('playground-stdout'),
        stderr: await visibleText('playground-stderr'),
        local: await visibleText('playground-local').catch(() => ''),
        localText: await output.locator('.playground-local').textContent(),
    };
}

async function setCode(page, pre, code) {
    await pre.hover();
    const edit = pre.locator('.edit-button');
    if (await edit.count()) {
        await edit.click();
    }
    await pre.locator('code.editable.ace_editor').waitFor();
    await pre.evaluate((element, text) => {
        const editor = window.ace.edit(element.querySelector('code'));
        editor.setValue(text, 1);
    }, code);
}

// ---- Local: `cargo xtask serve` ------------------------------------------------

test('local: `serve --open` opens the book signed in, from a page only this user can read', {timeout: 600000}, async () => {
    // The "browser" `serve --open` starts ($BROWSER) writes down what it was
    // asked to open; Chromium then opens it, as a desktop browser would.
    const dir = mkdtempSync(join(tmpdir(), 'book-open-test-'));
    const opened = join(dir, 'opened');
    writeFileSync(join(dir, 'browser'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, {mode: 0o755});
    const server = spawn('cargo', ['xtask', 'serve', '--port', '0', '--snapshot', '--open'], {
        cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
        env: Object.assign({}, process.env, {BROWSER: join(dir, 'browser')}),
    });
    const {fresh, close} = await signedOutContext();
    try {
        let out = '';
        const url = await new Promise((resolve, reject) => {
            server.stdout.on('data', chunk => {
                out += chunk;
                const m = out.match(/serving the book at (http:\/\/127\.0\.0\.1:\d+)\//);
                if (m) {
                    resolve(m[1]);
                }
            });
            server.on('exit', code => reject(new Error('serve --open exited with ' + code + ':\n' + out)));
        });
        const deadline = Date.now() + 30000;
        while (!existsSync(opened)) {
            assert.ok(Date.now() < deadline, 'serve --open started no browser within 30 s');
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        const file = readFileSync(opened, 'utf8');
        assert.doesNotMatch(file, /secret/, 'the secret is not on the opener\u2019s command line');
        const page = await fresh.newPage();
        await page.goto('file://' + file);
        await page.waitForURL(url + '/');
        // (The first page has no listing, so no Run: look at a chapter.)
        await page.goto(`${url}/${CHAPTER}`);
        const signedIn = await page.evaluate(() => window.bookPlayground.backend.then(b => b.signedIn));
        assert.equal(signedIn, true, 'the page opened by serve --open may Run');
    } finally {
        await close();
        process.kill(-server.pid, 'SIGTERM');
        rmSync(dir, {recursive: true, force: true});
    }
});

// A browser that never opened a sign-in link, as another user's would be.
async function signedOutContext() {
    const browser = context.browser() || await chromium.launch({executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS});
    const fresh = await browser.newContext();
    // (A local file, as `serve --open` writes, is no request off the machine.)
    await fresh.route(url => url.protocol !== 'file:' && !isLocal(url), route => route.abort());
    return {fresh, close: async () => {
        await fresh.close();
        if (!context.browser()) {
            await browser.close();
        }
    }};
}

test('local: a page opened without the sign-in link says, at Run, how to get one', {timeout: 120000}, async () => {
    const {fresh, close} = await signedOutContext();
    try {
        const page = await fresh.newPage();
        await page.goto(`${bookUrl}/${CHAPTER}`);
        const backend = await page.evaluate(() => window.bookPlayground.backend.then(b => [b.kind, b.signedIn]));
        assert.deepEqual(backend, ['local', false], 'the local playground, not signed in');
        const {figure, pre} = await listing(page);
        await clickRun(page, pre);
        const result = await outputOf(figure, 'cannot-run');
        assert.match(result.status, /sign-in link that `cargo xtask serve` printed/);
        assert.equal(result.stdout, '', 'nothing ran');
    } finally {
        await close();
    }
});

test('local: the printed sign-in link signs a browser in, once', {timeout: 120000}, async () => {
    const {fresh, close} = await signedOutContext();
    try {
        const link = await signInLink();
        // A tab opened before signing in: its Run works once the link was
        // opened in another tab, without a reload.
        const before = await fresh.newPage();
        await before.goto(`${bookUrl}/${CHAPTER}`);
        assert.equal(await before.evaluate(() => window.bookPlayground.backend.then(b => b.signedIn)), false);
        const page = await fresh.newPage();
        await page.goto(link);
        assert.equal(new URL(page.url()).pathname, '/', 'the link goes on to the book');
        const cookies = await fresh.cookies(bookUrl);
        assert.equal(cookies.length, 1, JSON.stringify(cookies));
        assert.equal(cookies[0].httpOnly, true);
        assert.equal(cookies[0].sameSite, 'Strict');
        assert.equal(await page.evaluate(() => document.cookie), '', 'no script can read the session');

        await page.goto(`${bookUrl}/${CHAPTER}`);
        const {figure, pre} = await listing(page);
        await clickRun(page, pre);
        const result = await outputOf(figure, 'success');
        assert.match(result.status, /Finished on local playground/);
        const earlier = await listing(before);
        await clickRun(before, earlier.pre);
        assert.match((await outputOf(earlier.figure, 'success')).status, /Finished on local playground/,
            'the tab opened before signing in');

        // The same link again, in yet another browser: used up.
        const {fresh: other, close: closeOther} = await signedOutContext();
        try {
            const again = await (await other.newPage()).goto(link);
            assert.equal(again.status(), 403);
            assert.match(await again.text(), /This sign-in link does not work/);
            assert.equal((await other.cookies(bookUrl)).length, 0);
        } finally {
            await closeOther();
        }
    } finally {
        await close();
    }
});

test('local: Run on a tokio listing shows its real output', {timeout: 120000}, async () => {
    const page = await context.newPage();
    await page.goto(`${bookUrl}/${CHAPTER}`);
    const backend = await page.evaluate(() => window.bookPlayground.backend.then(b => b.kind));
    assert.equal(backend, 'local', 'served by cargo xtask serve, the page uses the local playground');
    const {figure, pre} = await listing(page);
    const code = await pre.evaluate(element => playground_text(element, true)); // eslint-disable-line no-undef
    assert.match(code, /#\[tokio::main\]/, 'the listing is a tokio program, hidden lines included');

    await clickRun(page, pre);
    const result = await outputOf(figure, 'success');
    const expected = readFileSync(join(ROOT, LISTING_DIR, 'output.txt'), 'utf8');
    assert.equal(result.stdout, expected, 'stdout is what CI checked the listing prints');
    assert.match(result.status, /Finished on local playground/);
    await page.close();
});

test('local: edited code runs, and a compile error shows', {timeout: 120000}, async () => {
    const page = await context.newPage();
    await page.goto(`${bookUrl}/${CHAPTER}`);
    const {figure, pre} = await listing(page);

    await setCode(page, pre, [
        '#[tokio::main]',
        'async fn main() {',
        '    let answer = tokio::spawn(async { 6 * 7 }).await.unwrap();',
        '    println!("edited in the browser: {answer}");',
        '    eprintln!("and a word on stderr");',
        '}',
    ].join('\n'));
    await clickRun(page, pre);
    let result = await outputOf(figure, 'success');
    assert.equal(result.stdout, 'edited in the browser: 42\n');
    assert.match(result.stderr, /and a word on stderr\n$/);

    // Ctrl-Enter in the editor runs it too.
    await setCode(page, pre, 'fn main() {\n    let n: u32 = "forty-two";\n    println!("{n}");\n}\n');
    await pre.locator('textarea.ace_text-input').focus();
    await page.keyboard.press('Control+Enter');
    result = await outputOf(figure, 'failure');
    assert.match(result.stderr, /error\[E0308\]: mismatched types/);
    assert.equal(result.stdout, '');
    assert.match(result.status, /Failed on local playground/);
    await page.close();
});

// ---- Online: a stand-in for play.rust-lang.org ---------------------------------

const CORS = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST',
};

// A page of the book as the public site serves it (from another host, so
// it never looks for a local playground), with play.rust-lang.org played
// by `execute` and `crates`.
async function publicPage({execute, crates}) {
    const page = await context.newPage();
    const requests = [];
    page.on('request', request => requests.push(request.url()));
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
            return crates(route);
        }
        if (path === '/execute') {
            return execute(route, JSON.parse(request.postData()));
        }
        return route.fulfill({status: 404, headers: CORS, body: 'not here'});
    });
    return {page, requests};
}

const TOKIO_ONLY = route => route.fulfill({
    status: 200, headers: CORS, contentType: 'application/json',
    body: JSON.stringify({crates: [{name: 'tokio', version: '1.0.0', id: 'tokio'}]}),
});

test('online: Run sends edition 2024 to /execute and shows stdout and stderr apart', {timeout: 120000}, async () => {
    let sent = null;
    const {page, requests} = await publicPage({
        crates: route => route.abort(), // the crate list cannot be fetched
        execute: (route, body) => {
            sent = body;
            return route.fulfill({
                status: 200, headers: CORS, contentType: 'application/json',
                body: JSON.stringify({success: true, exitDetail: '', stdout: 'hello from the stand-in\n',
                    stderr: '   Compiling playground v0.0.1 (/playground)\n'}),
            });
        },
    });
    await page.goto(`${PUBLIC}/${CHAPTER}`);
    assert.equal(await page.evaluate(() => window.bookPlayground.backend.then(b => b.kind)), 'online');
    const {figure, pre} = await listing(page);
    // mdBook shows a block's buttons only while the mouse is over the block
    // (CSS, with a short transition), so hover and wait for it; what the
    // test asserts is that the script did not leave the button hidden.
    const button = pre.locator('.play-button');
    assert.equal(await button.evaluate(b => b.hidden || b.classList.contains('hidden')), false,
        'the button shows though /meta/crates failed');
    await pre.hover();
    await button.waitFor({state: 'visible', timeout: 5000});

    await clickRun(page, pre);
    const result = await outputOf(figure, 'success');
    assert.equal(result.stdout, 'hello from the stand-in\n');
    assert.equal(result.stderr, '   Compiling playground v0.0.1 (/playground)\n');
    assert.equal(sent.edition, '2024');
    assert.equal(sent.channel, 'stable');
    assert.equal(sent.crateType, 'bin');
    assert.match(sent.code, /#\[tokio::main\]/, 'the whole program is sent, hidden lines included');
    const local = requests.filter(url => isLocal(new URL(url)));
    assert.deepEqual(local, [], 'the public page never makes a request to localhost');
    await page.close();
});

test('online: an error reply is shown with its message', {timeout: 120000}, async () => {
    const {page} = await publicPage({
        crates: TOKIO_ONLY,
        execute: route => route.fulfill({
            status: 503, headers: CORS, contentType: 'application/json',
            body: JSON.stringify({error: 'The service is overloaded'}),
        }),
    });
    await page.goto(`${PUBLIC}/${CHAPTER}`);
    const {figure, pre} = await listing(page);
    await clickRun(page, pre);
    const result = await outputOf(figure, 'error');
    assert.equal(result.status, 'play.rust-lang.org could not run it: The service is overloaded');
    assert.match(result.localText, new RegExp(`cargo run -p ${LISTING}`), 'the local command is offered');
    await page.close();
});

test('online: no answer within 20 s is a timeout, said so', {timeout: 120000}, async () => {
    let asked = false;
    const {page} = await publicPage({
        crates: TOKIO_ONLY,
        execute: () => {
            asked = true; // and never answer
        },
    });
    // The page's clock is Playwright's, and paused once the page is ready:
    // an installed clock otherwise goes on with real time, and on a busy
    // machine the seconds between the click and `runFor` added up to the
    // 20 s before the test looked (it saw the timeout at "19 s").
    const start = Date.parse('2026-01-01T00:00:00Z');
    await page.clock.install({time: start});
    await page.goto(`${PUBLIC}/${CHAPTER}`);
    const {figure, pre} = await listing(page);
    await page.clock.pauseAt(start + 3600 * 1000);
    await clickRun(page, pre);
    await page.waitForFunction(() => document.querySelector('.playground-output[data-state="running"]'));
    await page.clock.runFor(19000);
    const early = figure.locator('.playground-output');
    assert.equal(await early.getAttribute('data-state'), 'running',
        `still waiting at 19 s; the output says: ${await early.innerText()}`);
    await page.clock.runFor(2000);
    const result = await outputOf(figure, 'error');
    assert.ok(asked, 'the request went out');
    assert.equal(result.status, 'play.rust-lang.org did not answer within 20 s.');
    assert.match(result.localText, new RegExp(`cargo run -p ${LISTING}`));
    await page.close();
});

test('online: a listing needing a crate the playground lacks says so', {timeout: 120000}, async () => {
    let asked = false;
    const {page} = await publicPage({
        crates: route => route.fulfill({
            status: 200, headers: CORS, contentType: 'application/json',
            body: JSON.stringify({crates: [{name: 'rand', version: '0.9.0', id: 'rand'}]}),
        }),
        execute: route => {
            asked = true;
            return route.abort();
        },
    });
    await page.goto(`${PUBLIC}/${CHAPTER}`);
    await page.waitForFunction(() => window.bookPlayground.backend.then(b => b.crates !== null));
    const {figure, pre} = await listing(page);
    await clickRun(page, pre);
    const result = await outputOf(figure, 'cannot-run');
    assert.equal(result.status, 'This listing uses `tokio`, which play.rust-lang.org does not offer.');
    assert.equal(result.localText, `Run it on your machine: cargo run -p ${LISTING}`);
    assert.ok(!asked, 'nothing was sent');
    await page.close();
});
