import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConflictError, PreconditionError, ValidationError, NotFoundError } from '@openretail/contracts';
import {
  createTestDatabase,
  migrateUp,
  openDatabase,
  type ServiceOrm,
  type TestDatabase,
} from '@openretail/persistence';
import { demoPult } from './demo-pult';
import { ReferenceDataDocument } from './reference-data.entity';
import { ReferenceDataService } from './reference-data.service';

describe('ReferenceDataService', () => {
  let db: TestDatabase;
  let orm: ServiceOrm;

  before(async () => {
    db = await createTestDatabase('reference_data');
    orm = await openDatabase({
      url: db.url,
      entities: [ReferenceDataDocument],
      serviceDir: path.resolve(__dirname, '..'),
    });
    await migrateUp(orm);
  });
  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  test('without a document, orders cannot be created and the document is not found', async () => {
    const service = new ReferenceDataService(orm);
    await assert.rejects(
      service.get(),
      (e) => e instanceof PreconditionError && /PUT \/v1\/reference-data/.test(e.message),
    );
    await assert.rejects(service.document(), NotFoundError);
  });

  test('a stale expected version is a conflict, even for the first save', async () => {
    await assert.rejects(new ReferenceDataService(orm).replace(demoPult, 3), ConflictError);
  });

  test('invalid data is refused with every problem by path, and nothing is stored', async () => {
    const service = new ReferenceDataService(orm);
    const broken = structuredClone(demoPult);
    broken.statuses[0].group = 'nope';
    broken.sites[0].currency = 'rub';
    await assert.rejects(service.replace(broken), (e) => {
      assert.ok(e instanceof ValidationError);
      const fields = e.violations.map((v) => v.field);
      assert.ok(fields.includes('statuses[0].group'), fields.join());
      assert.ok(fields.includes('sites[0].currency'), fields.join());
      return true;
    });
    await assert.rejects(service.get(), PreconditionError);
  });

  test('replace then get; versions go up; a stale version is refused; another replica converges', async () => {
    const first = new ReferenceDataService(orm);
    const other = new ReferenceDataService(orm);

    const v1 = await first.replace(demoPult, 0);
    assert.equal(v1.version, 1);
    assert.equal((await first.get()).site('pult')?.orderNumberFormat, '{n}A');
    assert.equal((await other.document()).version, 1, 'a fresh replica reads the stored document');

    const edited = structuredClone(demoPult);
    edited.sites[0].orderNumberFormat = 'R-{n}';
    const v2 = await first.replace(edited, 1);
    assert.equal(v2.version, 2);
    assert.equal((await first.document()).version, 2, 'the saving replica sees its save at once');
    await assert.rejects(
      first.replace(demoPult, 1),
      (e) => e instanceof ConflictError && /version 2/.test(e.message),
    );
    assert.equal(
      (await first.replace(demoPult)).version,
      3,
      'without an expected version the last save wins',
    );

    // The other replica cached version 1; within about a second it checks the version again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const seen = await other.document();
    assert.equal(seen.version, 3);
    assert.equal(seen.data.site('pult')?.orderNumberFormat, '{n}A');
  });
});
