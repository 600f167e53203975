import type { CurrentUser } from './sessions.ts';

type Section = { href: string; text: string; visibleTo?: (user: CurrentUser | null) => boolean };

/** The service navigation. Modules add their section here; the first matching prefix marks the current one. */
const sections: Section[] = [
  { href: '/directory', text: 'Directory' },
  { href: '/opportunities', text: 'Opportunities' },
  { href: '/impact', text: 'Impact' },
  { href: '/social-value', text: 'Social value' },
  { href: '/consortia', text: 'Consortia' },
  { href: '/contracts', text: 'Contracts', visibleTo: (user) => user !== null },
  { href: '/admin', text: 'Hub admin', visibleTo: (user) => user?.roles.has('hub_admin') ?? false },
];

export function navigationFor(user: CurrentUser | null, currentPath: string) {
  return sections
    .filter((section) => section.visibleTo?.(user) ?? true)
    .map((section) => ({
      href: section.href,
      text: section.text,
      active: currentPath === section.href || currentPath.startsWith(`${section.href}/`),
    }));
}
