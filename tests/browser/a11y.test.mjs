// Automated accessibility checks with axe-core (pinned in package.json) in
// headless Chromium: a chapter page, an exercise page with one hint
// revealed, and the error index (Appendix A), each in the light theme and
// in the dark theme the book prefers (navy, book.toml). No violation of
// impact "serious" or "critical" may be left; a failure lists each one
// with its rule, impact, the elements it found and the rule's help page.
//
// Every axe rule runs. No rule is disabled or excluded here: a violation is
// fixed in the book's own theme (theme/*.css, theme/a11y.js, the HTML the
// preprocessor writes). A violation that came from mdBook's own theme and
// could not be fixed from our files would be listed here, by rule id, with
// the reason; there is none. What is left is below the bar and printed:
// `region` (moderate: mdBook's top bar is outside any landmark) and
// `aria-allowed-role` (minor: mdBook's menu button is a <label>, which
// a11y.js gives role="button" so that its aria-expanded is allowed and the
// keyboard reaches it; a <button> would need mdBook's template).
//
// `cargo xtask test` runs these with BOOK_URL set to a server it started;
// run alone (`npm test` in this folder) they start `cargo xtask serve`.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {isLocal, withBookAndBrowser} from './book.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// mdBook keeps the reader's theme in localStorage under `mdbook-theme`
// (its book.js); `light` is the book's default, `navy` its preferred dark one.
const THEMES = ['light', 'navy'];
const PAGES = [
    {name: 'a chapter page', path: 'ch04-runtimes-and-tasks.html'},
    {name: 'an exercise page with one hint revealed', path: 'ch05-channels.html', revealHint: true},
    {name: 'the error index', path: 'appendix-a-errors.html'},
];
const BLOCKING = ['serious', 'critical'];

let bookUrl = null;
let browser = null;

withBookAndBrowser(started => ({bookUrl, browser} = started));

function report(violations) {
    return violations.map(v => [
        `${v.id} (${v.impact}): ${v.help}`,
        `  help: ${v.helpUrl}`,
        ...v.nodes.map(n => `  at ${n.target.join(' ')}${n.failureSummary ? '\n    ' + n.failureSummary.replace(/\n/g, '\n    ') : ''}`),
    ].join('\n')).join('\n');
}

for (const theme of THEMES) {
    for (const {name, path, revealHint} of PAGES) {
        test(`axe: ${name} (${path}), ${theme} theme: no serious or critical violations`, {timeout: 90000}, async () => {
            const context = await browser.newContext();
            await context.route(url => !isLocal(url), route => route.abort());
            await context.addInitScript(t => localStorage.setItem('mdbook-theme', t), theme);
            const page = await context.newPage();
            await page.goto(`${bookUrl}/${path}`);
            // `goto` waits for the load event, so the page scripts (added
            // at the end of the body) have run; the theme is the one asked.
            assert.ok(await page.evaluate(t => document.documentElement.classList.contains(t), theme),
                `the page is not in the ${theme} theme`);
            if (revealHint) {
                const section = page.locator('section.hints').last();
                await section.locator('button.hints-next').click();
                await section.locator('li.hint').first().waitFor({state: 'visible'});
            }
            await page.addScriptTag({content: AXE_SOURCE});
            const results = await page.evaluate(() => window.axe.run(document));
            const blocking = results.violations.filter(v => BLOCKING.includes(v.impact));
            const others = results.violations.filter(v => !BLOCKING.includes(v.impact));
            if (others.length > 0) {
                // Not failures, but worth seeing.
                console.log(`# ${path} (${theme}): ${others.length} minor/moderate: ${others.map(v => `${v.id} (${v.impact})`).join(', ')}`);
            }
            // axe ran its rules on this page (a run that checked nothing
            // would also report no violation).
            assert.ok(results.passes.length > 0, `axe checked nothing on ${path}`);
            assert.equal(blocking.length, 0,
                `${blocking.length} serious or critical violation(s) on ${path} in the ${theme} theme:\n${report(blocking)}`);
            await context.close();
        });
    }
}
