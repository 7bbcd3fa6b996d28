import { compileModel } from './scoring';
import { DEFAULT_MATCH_CONFIG } from './match-config';
import { normaliseRecord, type MatchRecord, type NormalisedRecord } from './record';

/** Test helper: a normalised record of site "s" in region RU. */
export function rec(id: string, fields: Omit<MatchRecord, 'id' | 'site'> = {}): NormalisedRecord {
  return normaliseRecord({ id, site: 's', ...fields }, { defaultRegion: 'RU' });
}

export const defaultModel = compileModel(DEFAULT_MATCH_CONFIG);

/** The Ivanov family: one flat, one landline, one surname. */
export const family = {
  father: { firstName: 'Сергей', lastName: 'Иванов', patronymic: 'Петрович', birthday: '1970-05-01' },
  mother: { firstName: 'Анна', lastName: 'Иванова', patronymic: 'Викторовна', birthday: '1972-08-15' },
  son: { firstName: 'Павел', lastName: 'Иванов', patronymic: 'Сергеевич', birthday: '1998-11-30' },
  home: { phones: ['+7 (495) 123-45-67'], city: 'Москва', address: 'ул. Тверская, д. 1, кв. 5' },
};
