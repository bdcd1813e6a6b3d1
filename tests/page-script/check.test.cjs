// Unit tests of the Check button's reading of libtest's report and of the
// progress words (theme/check.js), with Node.js's built-in test runner;
// `cargo xtask test` runs them.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {existsSync, readdirSync, readFileSync} = require('node:fs');
const {join} = require('node:path');
const {
    passedKey, parseLibtest, expectedTests, checkVerdict, outcomeWords, countsWords, progressWords,
} = require('../../theme/check.js');

// What `cargo test -p ch08-ex-transfer` printed on stdout for the starter
// (RUST_BACKTRACE=0, as the playgrounds run it), shortened: the same
// structure, fewer repeated panics.
const STARTER_STDOUT = `
running 3 tests
test tests::moves_the_money ... FAILED
test tests::many_transfers_keep_the_total ... FAILED
test tests::opposite_transfers_do_not_deadlock ... FAILED

failures:

---- tests::moves_the_money stdout ----

thread 'tests::moves_the_money' (6662) panicked at src/main.rs:33:5:
not yet implemented: lock account 1 and account 2

---- tests::many_transfers_keep_the_total stdout ----

thread 'tests::many_transfers_keep_the_total' (6661) panicked at src/main.rs:33:5:
not yet implemented: lock account 1 and account 2
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace

thread 'tests::many_transfers_keep_the_total' (6661) panicked at src/main.rs:97:30:
called \`Result::unwrap()\` on an \`Err\` value: JoinError::Panic(Id(1), "not yet implemented: lock account 1 and account 2", ...)

---- tests::opposite_transfers_do_not_deadlock stdout ----

thread 'tests::opposite_transfers_do_not_deadlock' (6663) panicked at src/main.rs:33:5:
not yet implemented: lock account 2 and account 1


failures:
    tests::many_transfers_keep_the_total
    tests::moves_the_money
    tests::opposite_transfers_do_not_deadlock

test result: FAILED. 0 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

`;

const TRANSFER_TESTS = ['moves_the_money', 'opposite_transfers_do_not_deadlock', 'many_transfers_keep_the_total'];

test('libtest\u2019s report: each test by name and outcome, in its order', () => {
    const report = parseLibtest(STARTER_STDOUT);
    assert.deepEqual(report.tests, [
        {name: 'tests::moves_the_money', outcome: 'failed'},
        {name: 'tests::many_transfers_keep_the_total', outcome: 'failed'},
        {name: 'tests::opposite_transfers_do_not_deadlock', outcome: 'failed'},
    ]);
    assert.equal(report.started, true);
    assert.equal(report.finished, true);
});

test('libtest\u2019s report: each failure\u2019s section, whole, and nothing after it', () => {
    const {failures} = parseLibtest(STARTER_STDOUT);
    assert.deepEqual(Object.keys(failures).sort(), [
        'tests::many_transfers_keep_the_total', 'tests::moves_the_money', 'tests::opposite_transfers_do_not_deadlock',
    ]);
    assert.equal(failures['tests::moves_the_money'],
        'thread \'tests::moves_the_money\' (6662) panicked at src/main.rs:33:5:\n'
        + 'not yet implemented: lock account 1 and account 2');
    assert.match(failures['tests::many_transfers_keep_the_total'], /^thread [\s\S]*JoinError::Panic\(Id\(1\)[^\n]*\.\.\.\)$/);
    assert.doesNotMatch(failures['tests::opposite_transfers_do_not_deadlock'], /failures:|tests::moves_the_money|test result/);
});

test('libtest\u2019s report: ok, ignored (with a reason), should panic, and several runs', () => {
    const stdout = [
        '', 'running 3 tests',
        'test a::first ... ok',
        'test a::slow ... ignored, takes a minute',
        'test a::boom - should panic ... ok',
        '', 'test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s',
        '', 'running 1 test',
        'test src/lib.rs - f (line 3) ... ok',
        '', 'test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s', '',
    ].join('\n');
    assert.deepEqual(parseLibtest(stdout).tests, [
        {name: 'a::first', outcome: 'ok'},
        {name: 'a::slow', outcome: 'ignored'},
        {name: 'a::boom', outcome: 'ok'},
        {name: 'src/lib.rs - f (line 3)', outcome: 'ok'},
    ]);
});

test('a program\u2019s own output is not a test', () => {
    const report = parseLibtest('testing 1 2 3\ntest result of my own\nthe test ... ok\n');
    assert.deepEqual(report.tests, []);
    assert.equal(report.started, false);
});

test('the tests a listing declares: #[test], #[tokio::test(...)], other attributes between', () => {
    const source = [
        '#[test]', 'fn plain() {}',
        '#[tokio::test(start_paused = true)]', 'async fn paused() {}',
        '#[tokio::test(flavor = "multi_thread", worker_threads = 2)]', '#[should_panic(expected = "boom")]', 'pub async fn threads() {}',
        '// #[test]', '// fn commented_out() {}',
        '/* #[test] fn in_a_block_comment() {} */',
        '#[cfg(test)]', 'fn not_a_test() {}',
        '#[tested]', 'fn also_not() {}',
    ].join('\n');
    assert.deepEqual(expectedTests(source), ['plain', 'paused', 'threads']);
});

test('the tests of every exercise starter in the book are found in its source', () => {
    const root = join(__dirname, '../..');
    const source = readFileSync(join(root, 'listings/ch08/ex-transfer/src/lib.rs'), 'utf8');
    assert.deepEqual(expectedTests(source), TRANSFER_TESTS);
    let starters = 0;
    for (const chapter of readdirSync(join(root, 'listings')).filter(n => /^ch\d+$/.test(n))) {
        for (const name of readdirSync(join(root, 'listings', chapter))) {
            if (!name.startsWith('ex-') || name.endsWith('-solution')) {
                continue;
            }
            const src = join(root, 'listings', chapter, name, 'src');
            const file = ['lib.rs', 'main.rs'].map(f => join(src, f)).find(f => existsSync(f));
            const text = readFileSync(file, 'utf8');
            const attributes = text.split('\n').filter(line => /^\s*#\[(?:tokio::)?test\b/.test(line)).length;
            assert.ok(attributes > 0, `${chapter}/${name} has tests`);
            assert.equal(expectedTests(text).length, attributes, `${chapter}/${name}: a name for each test attribute`);
            starters += 1;
        }
    }
    assert.ok(starters >= 20, `found ${starters} exercise starters`);
});

test('the starter\u2019s reply: every test failed, named, with its panic', () => {
    const verdict = checkVerdict({success: false, exitDetail: 'exit status: 101', stdout: STARTER_STDOUT, stderr: ''},
        TRANSFER_TESTS);
    assert.equal(verdict.state, 'failed');
    assert.deepEqual(verdict.tests.map(t => [t.name, t.outcome]), [
        ['tests::moves_the_money', 'failed'],
        ['tests::many_transfers_keep_the_total', 'failed'],
        ['tests::opposite_transfers_do_not_deadlock', 'failed'],
    ]);
    assert.match(verdict.tests[0].detail, /not yet implemented: lock account 1 and account 2$/);
    assert.deepEqual(verdict.counts, {ok: 0, failed: 3, ignored: 0, missing: 0, unfinished: 0});
    assert.equal(countsWords(verdict.counts, verdict.tests.length), '0 of 3 tests passed, 3 failed.');
});

function passing(names) {
    return ['', 'running ' + names.length + ' tests', ...names.map(n => 'test tests::' + n + ' ... ok'), '',
        'test result: ok. ' + names.length + ' passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s', ''].join('\n');
}

test('every test of the book passing is "passed"', () => {
    const verdict = checkVerdict({success: true, exitDetail: '', stdout: passing(TRANSFER_TESTS), stderr: ''}, TRANSFER_TESTS);
    assert.equal(verdict.state, 'passed');
    assert.equal(verdict.counts.ok, 3);
    assert.ok(verdict.tests.every(t => t.outcome === 'ok'));
});

test('deleting a test of the book does not pass the exercise', () => {
    const two = TRANSFER_TESTS.slice(0, 2);
    const verdict = checkVerdict({success: true, exitDetail: '', stdout: passing(two), stderr: ''}, TRANSFER_TESTS);
    assert.equal(verdict.state, 'failed');
    assert.deepEqual(verdict.tests.map(t => [t.name, t.outcome]).slice(2), [['many_transfers_keep_the_total', 'missing']]);
    assert.equal(outcomeWords('missing'), 'not run: the book\u2019s test is missing from your code');
    assert.equal(countsWords(verdict.counts, 3), '2 of 3 tests passed, 1 missing.');
});

test('a run stopped half-way (a time limit) is not "passed", and says which tests did not finish', () => {
    const stdout = '\nrunning 3 tests\ntest tests::moves_the_money ... ok\n';
    const verdict = checkVerdict({success: false, exitDetail: 'killed after 30 s', stdout, stderr: ''}, TRANSFER_TESTS);
    assert.equal(verdict.state, 'failed');
    assert.deepEqual(verdict.tests.map(t => t.outcome), ['ok', 'unfinished', 'unfinished']);
    assert.equal(outcomeWords('unfinished'), 'did not finish');
});

test('an ignored test is not a pass', () => {
    const stdout = passing(TRANSFER_TESTS).replace('test tests::moves_the_money ... ok', 'test tests::moves_the_money ... ignored');
    const verdict = checkVerdict({success: true, exitDetail: '', stdout, stderr: ''}, TRANSFER_TESTS);
    assert.equal(verdict.state, 'failed');
    assert.equal(verdict.counts.ignored, 1);
});

test('a compile error is a compile error, not "0 passed"', () => {
    const stderr = [
        '   Compiling playground v0.0.1 (/playground)',
        'error[E0308]: mismatched types',
        ' --> src/lib.rs:3:5',
        'error: could not compile `playground` (lib test) due to 1 previous error',
    ].join('\n');
    const verdict = checkVerdict({success: false, exitDetail: 'exit status: 1', stdout: '', stderr}, TRANSFER_TESTS);
    assert.equal(verdict.state, 'compile-error');
    assert.deepEqual(verdict.tests, []);
    assert.deepEqual(verdict.errors, ['error[E0308]: mismatched types',
        'error: could not compile `playground` (lib test) due to 1 previous error']);
});

test('no report and no compiler error is "not run", never "passed"', () => {
    for (const reply of [{success: true, stdout: '', stderr: ''}, {success: false, stdout: 'Killed', stderr: ''}]) {
        assert.equal(checkVerdict(reply, TRANSFER_TESTS).state, 'not-run');
    }
    // Without the book's names (none found), a run of no tests passes nothing.
    const none = '\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n';
    assert.equal(checkVerdict({success: true, stdout: none, stderr: ''}, []).state, 'failed');
});

test('progress: the key names the package; the words count the book\u2019s list', () => {
    assert.equal(passedKey('ch08-ex-transfer'), 'async-rust-book/passed/v1/ch08-ex-transfer');
    const book = ['ch01-ex-sleepers', 'ch02-ex-countdown', 'ch08-ex-transfer'];
    const passed = new Set(['ch08-ex-transfer', 'ch99-ex-gone']);
    assert.equal(progressWords(book, p => passed.has(p)), 'You have passed 1 of 3 exercises in this browser.');
    assert.equal(progressWords(['ch08-ex-transfer'], () => false), 'You have passed 0 of 1 exercise in this browser.');
});
