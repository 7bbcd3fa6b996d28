import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
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
import { canAccessSite, type Caller } from '../shared/caller';
import type { CustomerKey } from '../shared/customer-key';
import {
  checkOffset,
  checkPageSize,
  checkUuid,
  decodePageToken,
  encodePageToken,
  isUuid,
} from '../shared/requests';
import { CustomerNote } from './customer-note.entity';

/** A page of notes; without a customer key, customerIds or the sites say whose notes. */
export interface NotesPage {
  pageSize?: number;
  pageToken?: string;
  customerIds?: string[];
  sites?: string[];
  offset?: number;
  countTotal?: boolean;
}

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

  /**
   * Notes newest first, paged by (createdAt, id) or by offset for page-numbered clients: the notes
   * of the customer `key` names, or without it those of customerIds, or every note of the sites
   * (all the caller may read when none are named).
   */
  async list(key: CustomerKey | undefined, caller: Caller, query: NotesPage) {
    const pageSize = checkPageSize(query.pageSize, 20, 100, 'pageSize');
    const em = this.orm.em.fork();
    const and: FilterQuery<CustomerNote>[] = [];
    if (key) {
      and.push({ customerId: (await loadCustomer(em, key, caller)).id });
    } else {
      const denied = (query.sites ?? []).filter((s) => !canAccessSite(caller, s));
      if (denied.length > 0)
        throw ValidationError.field('sites', `no access to site(s) ${denied.join(', ')}`);
      if (query.sites?.length) and.push({ site: { $in: query.sites } });
      else if (caller.sites !== 'all') and.push({ site: { $in: [...caller.sites] } });
      if (query.customerIds?.length) {
        and.push({ customerId: { $in: query.customerIds.filter(isUuid).map((id) => id.toLowerCase()) } });
      }
    }
    const offset = checkOffset(query.offset, query.pageToken);
    const totalCount = query.countTotal
      ? await em.count(CustomerNote, and.length > 0 ? { $and: and } : {})
      : undefined;
    if (query.pageToken) {
      const after = decodePageToken(query.pageToken);
      and.push({ $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }] });
    }
    const rows = await em.find(CustomerNote, and.length > 0 ? { $and: and } : {}, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: pageSize + 1,
      offset,
    });
    const notes = rows.slice(0, pageSize);
    const last = notes[notes.length - 1];
    return {
      notes: notes.map(viewOf),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
      totalCount,
    };
  }

  /** Deletes a note of the customer `key` names, or, without a key, the note its id names. */
  async delete(key: CustomerKey | undefined, noteId: string, caller: Caller): Promise<void> {
    const id = checkUuid(noteId, 'noteId');
    await this.orm.em.fork().transactional(async (em) => {
      const owner = key ?? (await this.ownerOf(em, id, caller));
      const customer = await loadCustomer(em, owner, caller, LockMode.PESSIMISTIC_WRITE);
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

  private async ownerOf(em: EntityManager, noteId: string, caller: Caller): Promise<CustomerKey> {
    const note = await em.findOne(CustomerNote, { id: noteId }, { fields: ['customerId', 'site'] });
    if (!note || !canAccessSite(caller, note.site)) throw new NotFoundError(`note ${noteId} not found`);
    return { id: note.customerId };
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
