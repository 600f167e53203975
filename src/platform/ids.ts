import { z } from 'zod';

/** Whether an id from a path or a form is a uuid, before it reaches SQL, where a malformed one is an error. */
export const isUuid = (id: string): boolean => z.uuid().safeParse(id).success;
