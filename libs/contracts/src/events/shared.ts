import { z } from 'zod';

export const contactSchema = z.object({
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  /** The main phone (the first of phones). */
  phone: z.string().max(64).optional(),
  phones: z.array(z.string().max(64)).optional(),
  email: z.string().max(320).optional(),
});
export type Contact = z.infer<typeof contactSchema>;
