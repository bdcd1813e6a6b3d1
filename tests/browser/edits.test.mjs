// Kept edits, Reset, the changed-source notice and the play.rust-lang.org
// link (theme/edits.js) in headless Chromium (Debian's `chromium`, driven by
// playwright-core), against `cargo xtask serve`, as run-button.test.mjs.
//
// Nothing here reaches the internet: every request to a host other than
// loopback is refused, and the share link is only read, never followed.
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';
import {ROOT, isLocal, withBookAndBrowser} from './book.mjs';

const {sourceHash} = createRequire(import.meta.url)('../../theme/edits.js');

const CHAPTER = 'ch02-async-await.html';
// Shown from its `main` anchor: the lines above it are hidden on the page.
const LISTING = 'ch02-tokio-main-by-hand';
const LISTING_FILE = 'listings/ch02/tokio-main-by-hand/src/main.rs';
const KEY = `async-rust-book/edit/v1/${LISTING}/1`;
// The book's longest exercise starter, shown in two parts.
const EXERCISE_CHAPTER = 'ch14-mini-runtime.html';
const EXERCISE = 'ch14-ex-timeout';

let bookUrl = null;
let browser = null;

withBookAndBrowser(started => ({bookUrl, browser} = started));

// A fresh browser profile per test (its own localStorage), that refuses
// every request off this machine.
async function freshContext() {
    const context = await browser.newContext();
    await context.route(url => !isLocal(url),
        route => route.abort());
    return context;
}

// The book's source of a listing: the file, without its ANCHOR lines, as
// mdBook's rustdoc_include gives it (the lines outside the anchor hidden,
// not dropped), and without the file's last newline, which a Markdown code
// block does not keep.
function bookSource(file) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return text.split('\n').filter(line => !/^\s*\/\/ ANCHOR(_END)?: /.test(line)).join('\n').replace(/\n$/, '');
}

async function open(context, chapter = CHAPTER) {
    const page = await context.newPage();
    await page.goto(`${bookUrl}/${chapter}`);
    return page;
}

function figureOf(page, pkg = LISTING, nth = 0) {
    return page.locator(`figure.listing[data-package="${pkg}"]`).nth(nth);
}

async function editorText(figure) {
    return figure.locator('pre.playground').evaluate(pre => playground_text(pre, true)); // eslint-disable-line no-undef
}

// Opens the editor with the ✎ button (if the block is not one yet) and
// types `text` at the end of the program, as a reader would.
async function typeAtEnd(page, figure, text) {
    const pre = figure.locator('pre.playground');
    await pre.hover();
    const edit = pre.locator('.edit-button');
    if (await edit.count()) {
        await edit.click();
    }
    await pre.locator('code.editable.ace_editor').waitFor();
    await pre.locator('textarea.ace_text-input').focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text);
}

// Waits until the saved edit under `key` satisfies `check` (the save is
// debounced), and returns it.
async function savedEdit(page, key, check) {
    const deadline = Date.now() + 10000;
    for (;;) {
        const saved = await page.evaluate(k => JSON.parse(localStorage.getItem(k)), key);
        if (check(saved)) {
            return saved;
        }
        assert.ok(Date.now() < deadline, `no saved edit under ${key} as expected: ${JSON.stringify(saved)}`);
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}

function playCode(href) {
    const url = new URL(href);
    assert.equal(url.origin + url.pathname, 'https://play.rust-lang.org/');
    assert.equal(url.searchParams.get('version'), 'stable');
    assert.equal(url.searchParams.get('mode'), 'debug');
    assert.equal(url.searchParams.get('edition'), '2024');
    return url.searchParams.get('code');
}

test('edits: an edit is saved as the reader types and is back after a reload', {timeout: 120000}, async () => {
    const context = await freshContext();
    const page = await open(context);
    const figure = figureOf(page);
    const source = await editorText(figure);
    assert.equal(source, bookSource(LISTING_FILE), 'the block holds the whole source, hidden lines too');
    assert.equal(await figure.locator('.listing-reset').isVisible(), false, 'no Reset before an edit');

    await typeAtEnd(page, figure, '\n// kept across reloads');
    const edited = source + '\n// kept across reloads';
    const saved = await savedEdit(page, KEY, s => s !== null && s.code.endsWith('// kept across reloads'));
    assert.equal(saved.code, edited, 'saved while typing, not on leaving the page');
    assert.equal(await figure.locator('.listing-edit-status').textContent(), 'Edited, saved in this browser.');

    await page.reload();
    const again = figureOf(page);
    await again.locator('code.editable.ace_editor').waitFor();
    assert.equal(await editorText(again), edited, 'the edit is back after the reload');
    assert.equal(await again.locator('.listing-reset').isVisible(), true, 'and Reset is offered');
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true,
        'restoring does not move the focus (nor scroll) to the block');
    await context.close();
});

test('edits: Reset brings back the book\u2019s version and forgets the edit', {timeout: 120000}, async () => {
    const context = await freshContext();
    const page = await open(context);
    const figure = figureOf(page);
    const source = await editorText(figure);
    await typeAtEnd(page, figure, '\n// to be reset');
    await savedEdit(page, KEY, s => s !== null);

    await figure.locator('.listing-reset').click();
    assert.equal(await editorText(figure), source);
    assert.equal(await page.evaluate(k => localStorage.getItem(k), KEY), null, 'the saved edit is gone');
    assert.equal(await figure.locator('.listing-reset').isVisible(), false);
    assert.match(await figure.locator('.listing-edit-status').textContent(), /Back to the book/);

    await page.reload();
    assert.equal(await editorText(figureOf(page)), source, 'after a reload too');
    assert.equal(await figureOf(page).locator('code.editable').count(), 0, 'the block is plain again');
    await context.close();
});

// An edit saved against an older source of the listing, as the page would
// have stored it before the book changed the listing.
async function pageWithOldEdit(context, oldCode) {
    await context.addInitScript(([key, code]) => {
        if (!sessionStorage.getItem('seeded')) {
            sessionStorage.setItem('seeded', '1');
            localStorage.setItem(key, JSON.stringify({v: 1, hash: '0123456789abcdef', code, saved: '2026-01-02T03:04:05.000Z'}));
        }
    }, [KEY, oldCode]);
    const page = await open(context);
    const figure = figureOf(page);
    const notice = page.locator('.listing-edit-notice');
    assert.equal(await notice.count(), 1, 'one notice, for the one listing with an old edit');
    assert.equal(await figure.locator('.listing-edit-notice').count(), 1, 'next to that listing');
    assert.equal(await notice.locator('p').textContent(),
        'Your edit (saved 2026-01-02) was made on an older version of this listing. '
        + 'The block shows the book\u2019s new version.');
    assert.equal(await editorText(figure), bookSource(LISTING_FILE), 'neither is kept silently: the new version shows');
    assert.equal(await page.evaluate(k => JSON.parse(localStorage.getItem(k)).code, KEY), oldCode,
        'and the old edit is still stored');
    return {page, figure, notice};
}

test('edits: an edit of an older source: the notice, and "keep my edit"', {timeout: 120000}, async () => {
    const context = await freshContext();
    const old = 'fn main() {\n    println!("my old edit");\n}\n';
    const {page, figure, notice} = await pageWithOldEdit(context, old);
    await notice.getByRole('button', {name: 'Keep my edit'}).click();
    assert.equal(await notice.count(), 0, 'the notice is gone');
    assert.equal(await editorText(figure), old);
    const saved = await page.evaluate(k => JSON.parse(localStorage.getItem(k)), KEY);
    assert.equal(saved.code, old);
    assert.equal(saved.hash, sourceHash(bookSource(LISTING_FILE)), 'now an edit of the new version');
    await page.reload();
    assert.equal(await page.locator('.listing-edit-notice').count(), 0, 'kept: no notice after a reload');
    await figureOf(page).locator('code.editable.ace_editor').waitFor();
    assert.equal(await editorText(figureOf(page)), old, 'and the edit is there');
    await context.close();
});

test('edits: an edit of an older source: "use the new version"', {timeout: 120000}, async () => {
    const context = await freshContext();
    const {page, figure, notice} = await pageWithOldEdit(context, 'fn main() {}\n');
    await notice.getByRole('button', {name: 'Use the new version'}).click();
    assert.equal(await notice.count(), 0);
    assert.equal(await editorText(figure), bookSource(LISTING_FILE));
    assert.equal(await page.evaluate(k => localStorage.getItem(k), KEY), null, 'the old edit is forgotten');
    await page.reload();
    assert.equal(await page.locator('.listing-edit-notice').count(), 0, 'and not asked about again');
    assert.equal(await editorText(figureOf(page)), bookSource(LISTING_FILE));
    await context.close();
});

test('edits: a long exercise file comes back intact', {timeout: 120000}, async () => {
    const context = await freshContext();
    let page = await open(context, EXERCISE_CHAPTER);
    const figure = figureOf(page, EXERCISE, 0);
    const source = await editorText(figure);
    assert.ok(source.split('\n').length > 250, `the starter is long (${source.split('\n').length} lines)`);
    // A whole file's worth of edits, unicode included, put in as a paste.
    const edited = source.replace(/todo!\(\)/g, 'unimplemented!("é — ✓")') + '\n' + '// ' + 'x'.repeat(5000) + '\n';
    assert.notEqual(edited, source);
    await figure.locator('pre.playground').hover();
    await figure.locator('.edit-button').click();
    await figure.locator('pre.playground').evaluate((pre, text) => window.ace.edit(pre.querySelector('code')).setValue(text, -1), edited);
    const key = `async-rust-book/edit/v1/${EXERCISE}/1`;
    await savedEdit(page, key, s => s !== null && s.code.length > 5000);
    await page.close();

    page = await open(context, EXERCISE_CHAPTER);
    await figureOf(page, EXERCISE, 0).locator('code.editable.ace_editor').waitFor();
    assert.equal(await editorText(figureOf(page, EXERCISE, 0)), edited, 'every character is back');
    assert.equal(await figureOf(page, EXERCISE, 1).locator('code.editable').count(), 0,
        'the second part of the same crate is a listing of its own, unedited');
    await context.close();
});

test('share: the play.rust-lang.org link holds the exact source, then the edit', {timeout: 120000}, async () => {
    const context = await freshContext();
    const page = await open(context);
    const figure = figureOf(page);
    const link = figure.locator('a.listing-play-link');
    assert.equal(await link.textContent(), 'Open in play.rust-lang.org');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(playCode(await link.getAttribute('href')), bookSource(LISTING_FILE),
        'the whole program, the hidden lines included');
    const sent = await figure.locator('pre.playground').evaluate(pre => playground_text(pre, true)); // eslint-disable-line no-undef
    assert.equal(playCode(await link.getAttribute('href')), sent, 'what Run sends');

    await typeAtEnd(page, figure, '\n// shared with my edit: 1 + 1 & 100% #');
    assert.equal(playCode(await link.getAttribute('href')), bookSource(LISTING_FILE) + '\n// shared with my edit: 1 + 1 & 100% #');

    // A library (an exercise's starter): its crate's code, without the
    // `fn main() { ... }` mdBook wraps around a listing that has none.
    const exercisePage = await open(context, EXERCISE_CHAPTER);
    const exerciseLink = figureOf(exercisePage, EXERCISE, 0).locator('a.listing-play-link');
    const shared = playCode(await exerciseLink.getAttribute('href'));
    assert.equal(shared, bookSource('listings/ch14/ex-timeout/src/lib.rs') + '\n',
        'the exercise\u2019s whole lib.rs, as its crate has it');
    assert.doesNotMatch(shared, /fn main\(\)/);

    // A server cannot run on a playground: no link; every other listing has one.
    const chat = await open(context, 'ch20-capstone-chat.html');
    const servers = chat.locator('figure.listing[data-run="none"]');
    assert.ok(await servers.count() > 0, 'the chapter shows listings that cannot run on a playground');
    assert.equal(await servers.locator('a.listing-play-link').count(), 0, 'they have no link');
    const runnable = chat.locator('figure.listing:not([data-run="none"])');
    assert.equal(await runnable.locator('a.listing-play-link').count(), await runnable.count(),
        'the others have one each');
    await context.close();
});

test('keyboard: Tab reaches the share link and Reset, and Enter resets', {timeout: 120000}, async () => {
    const context = await freshContext();
    const page = await open(context);
    const figure = figureOf(page);
    const source = await editorText(figure);
    await typeAtEnd(page, figure, '\n// typed');
    await savedEdit(page, KEY, s => s !== null);

    // From the caption's link, Tab moves forward through the listing.
    await figure.locator('a.listing-number').focus();
    const reached = [];
    for (let i = 0; i < 4 && !reached.includes('listing-reset'); i += 1) {
        await page.keyboard.press('Tab');
        reached.push(await page.evaluate(() => document.activeElement.className));
    }
    assert.deepEqual(reached.slice(0, 2), ['listing-play-link', 'listing-reset'],
        'the link, then Reset, right after the caption');
    const number = await figure.locator('.listing-number').textContent();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
        `Reset ${number} to the book\u2019s version`, 'Reset says which listing it resets');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON');
    await page.keyboard.press('Enter');
    assert.equal(await editorText(figure), source, 'Enter on Reset resets');
    assert.equal(await page.evaluate(k => localStorage.getItem(k), KEY), null);
    await context.close();
});
