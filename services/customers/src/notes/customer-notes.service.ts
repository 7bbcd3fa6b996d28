import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import {
  NotFoundError,
  PreconditionError,
  ValidationError,
  customerNoteInputSchema,
  newId,
} from '@openretail/contracts';
import { recordHistory } from '../history/history-rows';
import { toHistoryValue } from '../history/history';
import { loadCustomer } from '../profiles/customer-rows';
import type { Caller } from '../shared/caller';
import type { CustomerKey } from '../shared/customer-key';
import { checkPageSize, checkUuid, decodePageToken, encodePageToken } from '../shared/requests';
import { CustomerNote } from './customer-note.entity';

export interface NoteView {
  id: string;
  customerId: string;
  text: string;
  authorId?: string;
  source: string;
  createdAt: Date;
}

/**
 * Notes on individual customers. A note is a row of its own, so adding one never conflicts with an
 * edit of the profile (the version stays); it is recorded in the customer's history as `notes[<id>]`.
 */
@Injectable()
export class CustomerNotesService {
  constructor(private readonly orm: MikroORM) {}

  async add(key: CustomerKey, input: unknown, caller: Caller): Promise<NoteView> {
    const parsed = customerNoteInputSchema.safeParse(input ?? {});
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    return this.orm.em.fork().transactional(async (em) => {
      // Locked like an edit, so the customer's history entries commit in id order.
      const customer = await loadCustomer(em, key, caller, LockMode.PESSIMISTIC_WRITE);
      if (customer.mergedInto) {
        throw new PreconditionError(
          `customer ${customer.id} was merged into ${customer.mergedInto}: add the note there`,
        );
      }
      const note = em.create(CustomerNote, {
        id: newId(),
        customerId: customer.id,
        site: customer.site,
        text: parsed.data.text,
        authorId: caller.userId,
        source: caller.source,
        createdAt: new Date(),
      });
      const view = viewOf(note);
      recordHistory(
        em,
        { id: customer.id, site: customer.site, kind: 'individual', version: customer.version },
        [{ field: `notes[${note.id}]`, oldValue: null, newValue: toHistoryValue(historyValue(view)) }],
        caller,
        note.createdAt,
      );
      return view;
    });
  }

  /** Notes newest first, paged by (createdAt, id). */
  async list(key: CustomerKey, caller: Caller, page: { pageSize?: number; pageToken?: string }) {
    const pageSize = checkPageSize(page.pageSize, 20, 100, 'pageSize');
    const em = this.orm.em.fork();
    const customer = await loadCustomer(em, key, caller);
    const where: FilterQuery<CustomerNote> = { customerId: customer.id };
    if (page.pageToken) {
      const after = decodePageToken(page.pageToken);
      where.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }];
    }
    const rows = await em.find(CustomerNote, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: pageSize + 1,
    });
    const notes = rows.slice(0, pageSize);
    const last = notes[notes.length - 1];
    return {
      notes: notes.map(viewOf),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
    };
  }

  async delete(key: CustomerKey, noteId: string, caller: Caller): Promise<void> {
    const id = checkUuid(noteId, 'noteId');
    await this.orm.em.fork().transactional(async (em) => {
      const customer = await loadCustomer(em, key, caller, LockMode.PESSIMISTIC_WRITE);
      const note = await em.findOne(CustomerNote, { id, customerId: customer.id });
      if (!note) throw new NotFoundError(`customer ${customer.id} has no note ${id}`);
      em.remove(note);
      recordHistory(
        em,
        { id: customer.id, site: customer.site, kind: 'individual', version: customer.version },
        [
          {
            field: `notes[${note.id}]`,
            oldValue: toHistoryValue(historyValue(viewOf(note))),
            newValue: null,
          },
        ],
        caller,
        new Date(),
      );
    });
  }
}

function viewOf(note: CustomerNote): NoteView {
  return {
    id: note.id,
    customerId: note.customerId,
    text: note.text,
    ...(note.authorId ? { authorId: note.authorId } : {}),
    source: note.source,
    createdAt: note.createdAt,
  };
}

function historyValue({ text, authorId, createdAt }: NoteView) {
  return { text, authorId, createdAt };
}
