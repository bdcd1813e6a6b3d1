// An exercise's hints (theme/hints.js, written by xtask/src/hints.rs) in
// headless Chromium: they reveal one at a time, with the keyboard alone.
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {ROOT, isLocal, withBookAndBrowser} from './book.mjs';

const CHAPTER = 'ch04-runtimes-and-tasks.html';
const EXERCISE = 'ch04-ex-gather';

let bookUrl = null;
let browser = null;

withBookAndBrowser(started => ({bookUrl, browser} = started));

// The hints as the reader should read them: hints.md split at its
// `## Hint` lines, Markdown's links reduced to their text, backticks and
// emphasis dropped, spaces folded.
function hintsOf(exercise) {
    const [chapter, ...name] = exercise.split('-');
    const text = readFileSync(join(ROOT, 'listings', chapter, name.join('-'), 'hints.md'), 'utf8');
    return text.split(/^## Hint.*$/m).slice(1).map(plain);
}

function plain(text) {
    return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '').replace(/\s+/g, ' ').trim();
}

async function openExercise() {
    const context = await browser.newContext();
    await context.route(url => !isLocal(url), route => route.abort());
    const page = await context.newPage();
    await page.goto(`${bookUrl}/${CHAPTER}`);
    const figure = page.locator(`figure.listing[data-package="${EXERCISE}"]`).last();
    const number = (await figure.getAttribute('id')).replace('listing-', '');
    const section = page.locator(`#hints-${number}`);
    return {context, page, figure, section};
}

// What has the focus, for messages.
function focused(page) {
    return page.evaluate(() => {
        const el = document.activeElement;
        return el ? `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 40)}"` : 'nothing';
    });
}

// Presses Tab (at most 25 times) until `target` has the focus, and checks
// what it then says; a failure lists where the focus went.
async function tabTo(page, target, says) {
    const seen = [];
    for (let tabs = 0; tabs < 25; tabs++) {
        await page.keyboard.press('Tab');
        seen.push(await focused(page));
        if (await target.evaluate(el => el === document.activeElement)) {
            break;
        }
    }
    assert.match(seen.at(-1), says, `Tab did not reach it; the focus went:\n${seen.join('\n')}`);
}

test('hints: hidden at first, then revealed one at a time by the button', {timeout: 60000}, async () => {
    const expected = hintsOf(EXERCISE);
    assert.ok(expected.length >= 2 && expected.length <= 3, `${EXERCISE} has ${expected.length} hints`);
    const {context, section} = await openExercise();
    const hints = section.locator('li.hint');
    const button = section.getByRole('button', {name: `Show hint 1 of ${expected.length}`});
    await button.waitFor();
    assert.equal(await hints.count(), expected.length);
    for (let i = 0; i < expected.length; i++) {
        assert.equal(await hints.nth(i).isVisible(), false, `hint ${i + 1} shows before it was asked for`);
    }
    for (let n = 1; n <= expected.length; n++) {
        const next = section.getByRole('button', {name: `Show hint ${n} of ${expected.length}`});
        await next.click();
        await hints.nth(n - 1).waitFor({state: 'visible'});
        assert.equal(plain(await hints.nth(n - 1).innerText()), `Hint ${n} of ${expected.length} ${expected[n - 1]}`);
        for (let later = n; later < expected.length; later++) {
            assert.equal(await hints.nth(later).isVisible(), false, `hint ${later + 1} shows after only ${n}`);
        }
    }
    // All shown: the button goes away.
    assert.equal(await section.locator('button.hints-next').isVisible(), false);
    await context.close();
});

test('hints: keyboard only: Tab to "Show hint", Enter, the hint has the focus; Space for the next', {timeout: 60000}, async () => {
    const expected = hintsOf(EXERCISE);
    const {context, page, figure, section} = await openExercise();
    await section.locator('button.hints-next').waitFor();
    // Start from the exercise listing's own link (its number), then Tab on
    // through the listing's buttons until "Show hint" has the focus.
    const button = section.locator('button.hints-next');
    await figure.locator('a.listing-number').focus();
    await tabTo(page, button, /^button\.hints-next "Show hint 1 of/);

    await page.keyboard.press('Enter');
    const first = section.locator('li.hint').nth(0);
    await first.waitFor({state: 'visible'});
    assert.ok(await first.evaluate(h => h === document.activeElement), `focus is on ${await focused(page)}, not on hint 1`);
    assert.equal(plain(await first.innerText()), `Hint 1 of ${expected.length} ${expected[0]}`);

    // The button comes next in the tab order, after any link in the hint;
    // Space works as well as Enter.
    await tabTo(page, button, /^button\.hints-next "Show hint 2 of/);
    await page.keyboard.press(' ');
    const second = section.locator('li.hint').nth(1);
    await second.waitFor({state: 'visible'});
    assert.ok(await second.evaluate(h => h === document.activeElement), `focus is on ${await focused(page)}, not on hint 2`);
    assert.equal(plain(await second.innerText()), `Hint 2 of ${expected.length} ${expected[1]}`);
    await context.close();
});
