import { z } from 'zod';

const MIN_PASSWORD = 12;
// argon2 cost grows with input; a cap keeps a hostile 1 MB "password" from tying up the server.
const MAX_PASSWORD = 128;

export const emailField = z
  .string()
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.org'))
  .transform((value) => value.toLowerCase());

const newPassword = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .min(1, `Enter ${label}`)
    .min(MIN_PASSWORD, `Password must be ${MIN_PASSWORD} characters or more`)
    .max(MAX_PASSWORD, `Password must be ${MAX_PASSWORD} characters or fewer`);

const confirmation = z.string({ message: 'Confirm your password' }).min(1, 'Confirm your password');

const passwordsMatch = (data: { password: string; confirmPassword: string }) => data.password === data.confirmPassword;
const mismatch = { message: 'Passwords do not match', path: ['confirmPassword'] };

export const registerSchema = z
  .object({
    displayName: z
      .string({ message: 'Enter your full name' })
      .trim()
      .min(1, 'Enter your full name')
      .max(120, 'Full name must be 120 characters or fewer'),
    email: emailField,
    password: newPassword('a password'),
    confirmPassword: confirmation,
  })
  .refine(passwordsMatch, mismatch);

export const signInSchema = z.object({
  email: emailField,
  password: z
    .string({ message: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(MAX_PASSWORD, 'Enter your password'),
  next: z.string().optional(),
});

export const emailOnlySchema = z.object({ email: emailField });

export const resetPasswordSchema = z
  .object({ password: newPassword('a new password'), confirmPassword: confirmation })
  .refine(passwordsMatch, mismatch);

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ message: 'Enter your current password' }).min(1, 'Enter your current password'),
    password: newPassword('a new password'),
    confirmPassword: confirmation,
  })
  .refine(passwordsMatch, mismatch);

export type RegisterInput = z.output<typeof registerSchema>;
