// Unit tests of the page script's crate detection (theme/playground.js),
// with Node.js's built-in test runner; `cargo xtask test` runs them.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {cratesUsed} = require('../../theme/playground.js');

const crates = code => cratesUsed(code).sort();

test('a use path and a macro path name their crates', () => {
    assert.deepEqual(crates('use tokio::time::sleep;\nfn main() { futures::join!(a, b); }'), ['futures', 'tokio']);
});

test('an attribute names its crate', () => {
    assert.deepEqual(crates('#[tokio::main]\nasync fn main() {}'), ['tokio']);
});

test('extern crate names its crate', () => {
    assert.deepEqual(crates('extern crate anyhow;\nfn main() {}'), ['anyhow']);
});

test('std, primitives and paths through what a use brought in are not crates', () => {
    const code = 'use std::sync::{mpsc, Arc};\nfn main() { let (tx, _rx) = mpsc::channel::<u32>();'
        + ' let n = u32::MAX; let a = Arc::new(n); core::mem::drop((tx, a)); }';
    assert.deepEqual(crates(code), []);
});

test('a module the program declares is not a crate', () => {
    assert.deepEqual(crates('mod shapes { pub fn area() {} }\nfn main() { shapes::area(); }'), []);
});

test('comments and strings name no crate', () => {
    const code = '// tokio::spawn is not called\nfn main() { println!("serde::Serialize"); /* reqwest::get */ }';
    assert.deepEqual(crates(code), []);
});

test('a turbofish is not a path into a crate', () => {
    assert.deepEqual(crates('fn main() { let v = collect::<Vec<u8>>(); }'), []);
});

test('use of a group keeps only its root as a crate', () => {
    assert.deepEqual(crates('use tokio::{sync::mpsc, task};\nfn main() { task::yield_now(); mpsc::channel::<u8>(1); }'), ['tokio']);
});
