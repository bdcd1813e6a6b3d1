// The error index (Appendix A) in mdBook's search, in headless Chromium
// (Debian's `chromium`, driven by playwright-core): a reader who pastes an
// error's text into the search box finds its entry and lands on it.
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {withBookAndContext} from './book.mjs';

const INDEX = 'appendix-a-errors.html';

let bookUrl = null;
let context = null;

// Searching needs nothing but the book's own server.
withBookAndContext('search', started => ({bookUrl, context} = started));

// Types `message` into the search box of the first page, as a reader pastes
// it, follows the result that leads into the error index, and returns the
// heading it lands on and the text of the entry under it.
async function searchAndLand(message) {
    const page = await context.newPage();
    await page.goto(`${bookUrl}/index.html`);
    await page.locator('#mdbook-search-toggle').click();
    // mdBook searches on the search box's `keyup`, or, when its index
    // finishes loading, for what the box already holds. `fill` sends no
    // keyup, so when the index loaded before the fill nothing searched (this
    // test failed now and then under load); a key pressed after the fill
    // searches in either order.
    const searchbar = page.locator('#mdbook-searchbar');
    await searchbar.fill(message);
    await searchbar.press('End');
    const hit = page.locator(`#mdbook-searchresults a[href*="${INDEX}"]`).first();
    // The first search loads and parses the whole search index (megabytes
    // of script); the bound is for a search that never answers, not for a
    // slow one.
    await hit.waitFor({timeout: 60000}).catch(async error => {
        const results = await page.locator('#mdbook-searchresults').innerText();
        throw new Error(`no search result for "${message}" leads to ${INDEX}; results:\n${results}\n${error.message}`);
    });
    await hit.click();
    await page.waitForURL(url => url.pathname.endsWith('/' + INDEX) && url.hash.length > 1);
    const landed = await page.evaluate(() => {
        const id = decodeURIComponent(location.hash.slice(1));
        const heading = document.getElementById(id);
        if (!heading) {
            return {id, tag: null, heading: '', entry: ''};
        }
        // The entry: what follows the heading, up to the next heading.
        let entry = '';
        for (let node = heading.nextElementSibling; node && !/^H[1-3]$/.test(node.tagName);
            node = node.nextElementSibling) {
            entry += node.textContent + '\n';
        }
        return {id, tag: heading.tagName, heading: heading.textContent, entry};
    });
    await page.close();
    return landed;
}

test('search: an error code lands on its entry', {timeout: 120000}, async () => {
    const landed = await searchAndLand('E0373');
    assert.equal(landed.tag, 'H3', `landed on #${landed.id}, not an entry's heading`);
    assert.equal(landed.heading.trim(), 'E0373');
    assert.match(landed.entry, /error\[E0373\]: async block may outlive the current function/);
    assert.match(landed.entry, /Shown in Listing \d+-\d+/);
    assert.match(landed.entry, /fixed in Listing \d+-\d+/);
});

test('search: a panic message lands on its entry', {timeout: 120000}, async () => {
    const message = 'there is no reactor running, must be called from the context of a Tokio 1.x runtime';
    const landed = await searchAndLand(message);
    assert.equal(landed.tag, 'H3', `landed on #${landed.id}, not an entry's heading`);
    assert.equal(landed.heading.trim(), message);
    assert.match(landed.entry, /thread 'main' panicked at listings\/ch02\/no-reactor\/src\/main\.rs/);
    assert.match(landed.entry, /ch02-tokio-main/);
});

test('search: a message without a code lands on its entry', {timeout: 120000}, async () => {
    const message = 'future cannot be sent between threads safely';
    const landed = await searchAndLand(message);
    assert.equal(landed.tag, 'H3', `landed on #${landed.id}, not an entry's heading`);
    assert.equal(landed.heading.trim(), message);
    // Every listing with that message is an entry under the one heading.
    const count = landed.entry.split('error: future cannot be sent between threads safely').length - 1;
    assert.ok(count >= 5, `expected the five listings with this message, found ${count}:\n${landed.entry}`);
});

test('search: a silent bug is found by its name', {timeout: 120000}, async () => {
    const landed = await searchAndLand('a lost message');
    assert.equal(landed.tag, 'H3', `landed on #${landed.id}, not an entry's heading`);
    assert.match(landed.heading, /lost message/i);
    assert.match(landed.entry, /ch10-send-in-select/);
});
