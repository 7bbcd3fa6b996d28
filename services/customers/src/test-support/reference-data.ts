import { CustomerReferenceData, type ReferenceDataProvider } from '../reference-data/customer-reference-data';

/**
 * Reference data as the orders service hands it out (only the members customers read matter): two
 * Russian sites and a Belarusian one, and the demo's customer custom fields next to an order field.
 */
export const TEST_REFERENCE_DOCUMENT = {
  sites: [
    { code: 'pult', name: 'Пульт', currency: 'RUB', defaultPhoneRegion: 'RU' },
    { code: 'pult-opt', name: 'Пульт опт', currency: 'RUB', defaultPhoneRegion: 'RU' },
    { code: 'minsk', name: 'Минск', currency: 'BYN', defaultPhoneRegion: 'BY' },
  ],
  customFields: [
    {
      code: 'interests',
      name: 'Интересы',
      entity: 'customer',
      type: 'dictionary',
      values: ['vinyl', 'home-cinema', 'headphones'],
    },
    { code: 'loyalty-card', name: 'Карта', entity: 'customer', type: 'string' },
    { code: 'children', name: 'Дети', entity: 'customer', type: 'integer' },
    { code: 'call-logged', name: 'Звонок', entity: 'order', type: 'boolean' },
  ],
};

export const testReferenceData = () => new CustomerReferenceData(TEST_REFERENCE_DOCUMENT);

/** A provider that always has the test document. */
export const testReferenceDataProvider = (): ReferenceDataProvider => {
  const data = testReferenceData();
  return { get: async () => data };
};
