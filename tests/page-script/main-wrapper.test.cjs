// Unit tests of how theme/playground.js takes off the `fn main() { ... }`
// that mdBook wraps around a listing without one, before sending it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {readFileSync} = require('node:fs');
const {join} = require('node:path');
const {unwrappedMain} = require('../../theme/playground.js');

// What mdbook-html 0.5's `wrap_rust_main` makes of `text`, as the page's
// `playground_text(pre, true)` reads it (hidden lines shown, `# ` gone).
function wrapped(attrs, code) {
    return '#![allow(unused)]\n' + attrs + 'fn main() {\n' + code + (code.endsWith('\n') ? '' : '\n') + '}';
}

test('a library listing comes back as its crate has it', () => {
    const lib = readFileSync(join(__dirname, '../../listings/ch08/ex-transfer/src/lib.rs'), 'utf8');
    assert.equal(unwrappedMain(wrapped('', lib)), lib);
    assert.equal(unwrappedMain(wrapped('', 'pub fn f() {}')), 'pub fn f() {}\n');
});

test('the listing\u2019s own inner attributes stay at the top', () => {
    const attrs = '#![deny(missing_docs)]\n\n#![allow(dead_code)]\n';
    assert.equal(unwrappedMain(wrapped(attrs, '/// f\npub fn f() {}\n')),
        '#![deny(missing_docs)]\n\n#![allow(dead_code)]\n/// f\npub fn f() {}\n');
});

test('a program, or code a reader changed, is sent as it is', () => {
    const program = 'fn main() {\n    println!("hi");\n}\n';
    assert.equal(unwrappedMain(program), program);
    // A reader who wrote a `main` inside the wrapper meant to run it.
    const inner = wrapped('', 'fn main() {}\n');
    assert.equal(unwrappedMain(inner), inner);
    const edited = wrapped('', 'pub fn f() {}') + '\nfn g() {}\n';
    assert.equal(unwrappedMain(edited), edited);
    assert.equal(unwrappedMain('#![allow(unused)]\npub fn f() {}\n'), '#![allow(unused)]\npub fn f() {}\n');
});

test('code a reader added after the wrapper\u2019s brace keeps the wrapper', () => {
    const after = wrapped('', 'pub fn f() {}') + '\nfn g() {\n    let s = "}";\n}\n';
    assert.equal(unwrappedMain(after), after);
    // Braces in strings, characters and comments do not count.
    const lib = 'pub fn f() -> &\'static str {\n    // {\n    let _c = \'{\';\n    "{{"\n}\n';
    assert.equal(unwrappedMain(wrapped('', lib)), lib);
});
