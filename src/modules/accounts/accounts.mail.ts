import type { MailMessage } from '../../platform/mail.ts';

export const accountMail = {
  verifyEmail: (to: string, name: string, link: string): MailMessage => ({
    to,
    subject: 'Confirm your email address for Working Connections',
    text: `Dear ${name},\n\nConfirm your email address to finish creating your Working Connections account:\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not create an account, you can ignore this email.\n\nWorking Connections`,
  }),
  alreadyRegistered: (to: string, signInLink: string, resetLink: string): MailMessage => ({
    to,
    subject: 'You already have a Working Connections account',
    text: `Someone tried to create a Working Connections account with this email address, which already has one.\n\nIf it was you, sign in:\n\n${signInLink}\n\nIf you have forgotten your password, reset it:\n\n${resetLink}\n\nIf it was not you, you can ignore this email: your account has not changed.\n\nWorking Connections`,
  }),
  resetPassword: (to: string, link: string): MailMessage => ({
    to,
    subject: 'Reset your Working Connections password',
    text: `Use this link to choose a new password:\n\n${link}\n\nThe link works once and expires in 1 hour. If you did not ask to reset your password, you can ignore this email: your password has not changed.\n\nWorking Connections`,
  }),
  passwordChanged: (to: string): MailMessage => ({
    to,
    subject: 'Your Working Connections password has changed',
    text: `The password for your Working Connections account was changed, and you were signed out everywhere else.\n\nIf you did not do this, reset your password now and tell the hub team.\n\nWorking Connections`,
  }),
};
