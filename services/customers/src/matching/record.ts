import { normaliseAddress } from './normalise/address';
import { normaliseEmail } from './normalise/email';
import { normaliseBirthday, normaliseTaxId } from './normalise/identifiers';
import { inferSex, normaliseCompanyName, normaliseName, type Sex } from './normalise/name';
import { normalisePhone, type Region } from './normalise/phone';

export type CustomerType = 'individual' | 'legal';

/** What the engine needs of a customer profile (or of the contact an order carries), as typed. */
export interface MatchRecord {
  /** The profile id; the engine only compares and orders ids, it never parses them. */
  id: string;
  site: string;
  /** Individual by default. */
  type?: CustomerType;
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  /** As the profile states it; inferred from the names when absent. */
  sex?: 'male' | 'female';
  /** Legal entities: the company name, legal form and quotes allowed («Ромашка», ООО "Ромашка"). */
  companyName?: string;
  phones?: readonly string[];
  emails?: readonly string[];
  city?: string;
  /** Free text; may include the city, postcode, street, house and flat. */
  address?: string;
  /** "YYYY-MM-DD", "DD.MM.YYYY" or a Date. */
  birthday?: string | Date;
  /** ИНН / BIN / UNP / VAT id of a legal entity or an individual entrepreneur. */
  taxId?: string;
}

/**
 * A record as comparison keys: what scoring and blocking read. Plain JSON, so the service can store
 * it next to the profile (and the batch job can skip normalising again). Absent fields are missing
 * and weigh nothing either way.
 */
export interface NormalisedRecord {
  id: string;
  site: string;
  type: CustomerType;
  first?: string;
  /** `first` is only an initial. */
  firstIsInitial?: boolean;
  last?: string;
  patronymic?: string;
  /** Stated, or inferred from the patronymic, a known first name or the surname ending. */
  sex?: Sex;
  company?: string;
  /** E.164, without duplicates. */
  phones: string[];
  /** Email keys (see normalise/email.ts), without duplicates. */
  emails: string[];
  city?: string;
  street?: string;
  house?: string;
  flat?: string;
  /** "YYYY-MM-DD". */
  birthday?: string;
  taxId?: string;
}

export interface NormaliseOptions {
  /** The site's country (ISO 3166-1 alpha-2): how national phone formats and tax ids are read. */
  defaultRegion: Region;
}

function collect(
  values: readonly string[] | undefined,
  normalise: (v: string) => string | undefined,
): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    const key = normalise(value);
    if (key !== undefined && !out.includes(key)) out.push(key);
  }
  return out;
}

/**
 * Turns a record as typed into comparison keys. Unusable values (a phone that is no valid number,
 * an email without a domain, 31.02.1990) are dropped rather than refused: the profile keeps what was
 * typed, the match just cannot use it.
 */
export function normaliseRecord(record: MatchRecord, options: NormaliseOptions): NormalisedRecord {
  const region = options.defaultRegion;
  const type = record.type ?? 'individual';
  const name = normaliseName(record.firstName, record.lastName, record.patronymic);
  const sex = record.sex === 'male' ? 'm' : record.sex === 'female' ? 'f' : inferSex(name);
  const address = normaliseAddress(record.address, record.city);
  // Every property is set, in one order, absent ones to undefined (which JSON leaves out): records
  // of one shape keep the scoring code monomorphic, which a batch over a million of them feels.
  return {
    id: record.id,
    site: record.site,
    type,
    first: name.first,
    firstIsInitial: name.firstIsInitial,
    last: name.last,
    patronymic: name.patronymic,
    sex: type === 'individual' ? sex : undefined,
    company: normaliseCompanyName(record.companyName),
    phones: collect(record.phones, (p) => normalisePhone(p, region)),
    emails: collect(record.emails, normaliseEmail),
    city: address.city,
    street: address.street,
    house: address.house,
    flat: address.flat,
    birthday: normaliseBirthday(record.birthday),
    taxId: normaliseTaxId(record.taxId, region),
  };
}
