// Unit tests of theme/playground.js's bookUsableStorage, which kept edits
// (edits.js) and passed exercises (check.js) use to find out whether
// `localStorage` can be written.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {usableStorage} = require('../../theme/playground.js');

// A stand-in for `localStorage` that records what was done to it.
function recordingStorage({failSet = false} = {}) {
    const items = new Map();
    const calls = [];
    return {
        items,
        calls,
        setItem(key, value) {
            calls.push(['set', key]);
            if (failSet) {
                throw new Error('QuotaExceededError');
            }
            items.set(key, value);
        },
        removeItem(key) {
            calls.push(['remove', key]);
            items.delete(key);
        },
    };
}

test('writable storage is returned, and the probe is removed again', () => {
    const storage = recordingStorage();
    assert.equal(usableStorage('prefix/probe', () => storage), storage);
    assert.deepEqual(storage.calls, [['set', 'prefix/probe'], ['remove', 'prefix/probe']]);
    assert.equal(storage.items.size, 0);
});

test('storage that refuses writes (full, or a private window) gives null', () => {
    assert.equal(usableStorage('p', () => recordingStorage({failSet: true})), null);
});

test('storage that cannot even be read (blocked cookies) gives null', () => {
    const blocked = () => {
        throw new Error('SecurityError: access is denied');
    };
    assert.equal(usableStorage('p', blocked), null);
});
