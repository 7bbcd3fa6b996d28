import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withinOneEdit } from './edits';
import { jaro, jaroWinkler } from './jaro-winkler';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 0.0005, `${actual} should be ${expected}`);

describe('Jaro-Winkler', () => {
  test('the reference values of Winkler (1990) and the usual test pairs', () => {
    close(jaro('MARTHA', 'MARHTA'), 0.9444);
    close(jaroWinkler('MARTHA', 'MARHTA'), 0.9611);
    close(jaro('DWAYNE', 'DUANE'), 0.8222);
    close(jaroWinkler('DWAYNE', 'DUANE'), 0.84);
    close(jaro('DIXON', 'DICKSONX'), 0.7667);
    close(jaroWinkler('DIXON', 'DICKSONX'), 0.8133);
    close(jaroWinkler('JELLYFISH', 'SMELLYFISH'), 0.8963);
    close(jaroWinkler('CRATE', 'TRACE'), 0.7333);
  });

  test('identity, emptiness, symmetry, no common letters', () => {
    assert.equal(jaroWinkler('ivanov', 'ivanov'), 1);
    assert.equal(jaroWinkler('', ''), 1);
    assert.equal(jaroWinkler('abc', ''), 0);
    assert.equal(jaroWinkler('abc', 'xyz'), 0);
    for (const [a, b] of [
      ['ivanov', 'ivanova'],
      ['shukin', 'shchukin'],
      ['martha', 'marhta'],
      ['a', 'ab'],
    ]) {
      close(jaroWinkler(a, b), jaroWinkler(b, a));
    }
  });

  test('long strings grow the scratch buffers and still compare right', () => {
    const a = 'x'.repeat(200) + 'abc';
    assert.equal(jaroWinkler(a, a), 1);
    assert.ok(jaroWinkler(a, 'x'.repeat(200) + 'abd') > 0.99);
    close(jaroWinkler('MARTHA', 'MARHTA'), 0.9611);
  });
});

describe('withinOneEdit', () => {
  test('one substitution, insertion, deletion or neighbour transposition', () => {
    assert.ok(withinOneEdit('79161234567', '79161234567'));
    assert.ok(withinOneEdit('79161234567', '79161234568'));
    assert.ok(withinOneEdit('79161234567', '79161243567'));
    assert.ok(withinOneEdit('79161234567', '7916123456'));
    assert.ok(withinOneEdit('7916123456', '79161234567'));
    assert.ok(withinOneEdit('1985-03-12', '1985-03-21'));
    assert.ok(withinOneEdit('', 'a'));
  });

  test('two edits or a far transposition are not', () => {
    assert.ok(!withinOneEdit('79161234567', '79161234578'.replace('78', '88')));
    assert.ok(!withinOneEdit('79161234567', '79161234599'));
    assert.ok(!withinOneEdit('79161234567', '79761234561'));
    assert.ok(!withinOneEdit('abc', 'cba'));
    assert.ok(!withinOneEdit('abc', 'a'));
  });
});
