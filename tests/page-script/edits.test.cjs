// Unit tests of the kept-edits and share-link helpers (theme/edits.js),
// with Node.js's built-in test runner; `cargo xtask test` runs them.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {
    sourceHash, listingKey, playgroundUrl, parseSavedEdit, savedEditJson, savedEditAction,
} = require('../../theme/edits.js');

test('the source hash is FNV-1a 64 of the UTF-8 bytes (published test vectors)', () => {
    assert.equal(sourceHash(''), 'cbf29ce484222325');
    assert.equal(sourceHash('a'), 'af63dc4c8601ec8c');
    assert.equal(sourceHash('foobar'), '85944171f73967e8');
});

test('the source hash changes with one character, whitespace or non-ASCII text', () => {
    const base = 'fn main() {\n    println!("hi");\n}\n';
    const hashes = new Set([
        base, base.replace('hi', 'ho'), base.replace('\n}', '\n }'), base + '\n', base.replace('hi', 'hé'),
    ].map(sourceHash));
    assert.equal(hashes.size, 5);
    assert.match(sourceHash(base), /^[0-9a-f]{16}$/);
});

test('the key names the package and which of its listings on the page', () => {
    assert.equal(listingKey('ch02-tokio-main', 1), 'async-rust-book/edit/v1/ch02-tokio-main/1');
    assert.notEqual(listingKey('ch19-scale', 1), listingKey('ch19-scale', 2));
});

test('the play.rust-lang.org link carries channel, mode, edition and the exact code', () => {
    const code = '#[tokio::main]\nasync fn main() {\n    println!("a & b = {}%", 1 + 1); // ?#\n}\n';
    const url = new URL(playgroundUrl(code));
    assert.equal(url.origin + url.pathname, 'https://play.rust-lang.org/');
    assert.deepEqual([...url.searchParams.keys()], ['version', 'mode', 'edition', 'code']);
    assert.equal(url.searchParams.get('version'), 'stable');
    assert.equal(url.searchParams.get('mode'), 'debug');
    assert.equal(url.searchParams.get('edition'), '2024');
    assert.equal(url.searchParams.get('code'), code);
    // `+` would read as a space in a query; encodeURIComponent writes %2B.
    assert.ok(playgroundUrl('1 + 1').endsWith('&code=1%20%2B%201'));
    assert.equal(new URL(playgroundUrl('', '2021')).searchParams.get('edition'), '2021');
});

test('a saved edit round-trips, long files and all', () => {
    const long = Array.from({length: 5000}, (_, i) => `    let line_${i} = "ünïcödé \\" ${i}";`).join('\n') + '\n';
    const saved = parseSavedEdit(savedEditJson('00ff', long, '2026-11-30T05:00:00.000Z'));
    assert.equal(saved.code, long);
    assert.equal(saved.hash, '00ff');
    assert.equal(saved.saved, '2026-11-30T05:00:00.000Z');
});

test('anything else in storage is no saved edit', () => {
    for (const junk of [null, undefined, '', 'not json', '{}', '[1]', '{"v":2,"hash":"a","code":"b"}',
        '{"v":1,"hash":1,"code":"b"}', '{"v":1,"hash":"a"}']) {
        assert.equal(parseSavedEdit(junk), null, String(junk));
    }
});

test('on load: restore an edit of this source, ask about an older one, ignore none', () => {
    const source = 'fn main() {}\n';
    const hash = sourceHash(source);
    assert.equal(savedEditAction(null, hash, source), 'none');
    assert.equal(savedEditAction({hash, code: 'fn main() { 1; }\n'}, hash, source), 'restore');
    assert.equal(savedEditAction({hash, code: source}, hash, source), 'none');
    assert.equal(savedEditAction({hash: sourceHash('fn main() { old(); }\n'), code: 'x'}, hash, source), 'ask');
});
