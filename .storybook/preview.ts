// Every story sees the registered elements, autodocs read the custom-elements manifest, and the a11y addon runs axe.
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';
import '../src/define.js';

setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true, matchers: { color: /(background|color)$/i, date: /Date$/i } },
    // Violations fail the story's a11y test (Storybook test runs); the panel shows them while browsing.
    a11y: { test: 'error' },
  },
  globalTypes: {
    locale: {
      description: 'Language of the story (sets lang and dir on the story root)',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English' },
          { value: 'de', title: 'Deutsch' },
          { value: 'es', title: 'Español' },
          { value: 'fr', title: 'Français' },
          { value: 'ar', title: 'العربية (RTL)' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { locale: 'en' },
  decorators: [
    (story, context) => {
      const locale = String(context.globals.locale ?? 'en');
      const root = document.documentElement;
      // A story that sets its own lang wins (it wraps itself in an element with lang); this is the page default.
      root.lang = locale;
      root.dir = locale === 'ar' ? 'rtl' : 'ltr';
      return story();
    },
  ],
};

export default preview;
