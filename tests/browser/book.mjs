// What the browser test files share: where the repository is, which
// browser runs them and with which flags, and the book's server when a file
// runs alone. (Not a test file: `node --test` runs only `*.test.mjs`.)

import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {before, after} from 'node:test';
import {chromium} from 'playwright-core';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Debian's chromium; playwright-core never downloads a browser of its own.
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function isLocal(url) {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

let server = null;
// The sign-in links our own server printed and nobody used yet, and those
// waiting for one.
const links = [];
const waitingForLink = [];

// Under `cargo xtask test` there is one spare link (BOOK_SIGN_IN) for all
// the test files, and `node --test` runs each file in a process of its own:
// so only one file may ask for it (run-button.test.mjs, the test of signing
// in); the others sign in with BOOK_COOKIE.
function takeLink() {
    if (process.env.BOOK_SIGN_IN && !process.env.BOOK_SIGN_IN_TAKEN) {
        process.env.BOOK_SIGN_IN_TAKEN = '1';
        return Promise.resolve(process.env.BOOK_SIGN_IN);
    }
    if (!server) {
        return Promise.reject(new Error('no unused sign-in link: `cargo xtask test` passes one (BOOK_SIGN_IN)'));
    }
    return links.length > 0
        ? Promise.resolve(links.shift())
        : new Promise(resolve => waitingForLink.push(resolve));
}

// The book's address: the server `cargo xtask test` started (BOOK_URL), or
// one this process starts with `cargo xtask serve --snapshot` when a file
// runs alone (`npm test`); `stopServer` ends that one.
export function bookUrl() {
    if (process.env.BOOK_URL) {
        return Promise.resolve(process.env.BOOK_URL);
    }
    return new Promise((resolve, reject) => {
        server = spawn('cargo', ['xtask', 'serve', '--port', '0', '--snapshot'], {
            cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        let seen = 0;
        server.stdout.on('data', chunk => {
            out += chunk;
            const m = out.match(/serving the book at (http:\/\/127\.0\.0\.1:\d+)\//);
            if (m) {
                resolve(m[1]);
            }
            // Every sign-in link the server prints, in order: the first
            // at start, then one each time one is used.
            const found = [...out.matchAll(/(http:\/\/\S+\/meta\/sign-in\?secret=[0-9a-f]+)/g)];
            for (const link of found.slice(seen).map(match => match[1])) {
                const waiter = waitingForLink.shift();
                if (waiter) {
                    waiter(link);
                } else {
                    links.push(link);
                }
            }
            seen = found.length;
        });
        server.on('exit', code => reject(new Error('cargo xtask serve exited with ' + code + ':\n' + out)));
    });
}

// A link that signs one browser in to Run, as `cargo xtask serve` prints
// it: for the test of signing in itself.
export function signInLink() {
    return takeLink();
}

// Signs `context` in to Run on the local playground. Under `cargo xtask
// test`, with the session it signed in to with the link its server printed
// (BOOK_COOKIE; one sign-in for every test file); alone, by opening a link
// our own server printed, as a reader does.
export async function signIn(context, url) {
    if (process.env.BOOK_COOKIE) {
        const [name, value] = process.env.BOOK_COOKIE.split('=');
        await context.addCookies([{name, value, url, httpOnly: true, sameSite: 'Strict'}]);
        return;
    }
    const page = await context.newPage();
    const response = await page.goto(await takeLink());
    if (!response.ok()) {
        throw new Error('signing in answered ' + response.status() + ': ' + await response.text());
    }
    await page.close();
}

// A test file's book and browser: started before its first test, closed
// (and our own server stopped) after its last; `ready` gets
// {bookUrl, browser}.
export function withBookAndBrowser(ready) {
    let browser = null;
    before(async () => {
        const url = await bookUrl();
        browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS});
        ready({bookUrl: url, browser});
    });
    after(async () => {
        if (browser) {
            await browser.close();
        }
        stopServer();
    });
}

// A test file's book and a persistent browser context (a profile folder of
// its own, as a reader's browser keeps cookies and storage across pages),
// which refuses every request that is not to this machine unless `allowed`
// says otherwise. Started before the file's first test, closed and removed
// (and our own server stopped) after its last; `ready` gets {bookUrl,
// context} and is awaited, so it can route more or sign in.
export function withBookAndContext(name, ready, allowed = () => false) {
    let context = null;
    let userDataDir = null;
    before(async () => {
        const url = await bookUrl();
        userDataDir = mkdtempSync(join(tmpdir(), `book-${name}-`));
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: CHROMIUM,
            headless: true,
            args: CHROMIUM_ARGS,
        });
        await context.route(target => !isLocal(target) && !allowed(target), route => route.abort());
        await ready({bookUrl: url, context});
    });
    after(async () => {
        if (context) {
            await context.close();
        }
        if (userDataDir) {
            rmSync(userDataDir, {recursive: true, force: true});
        }
        stopServer();
    });
}

export function stopServer() {
    if (server) {
        process.kill(-server.pid, 'SIGTERM');
        server = null;
    }
}
