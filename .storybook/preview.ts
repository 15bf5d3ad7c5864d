// Every story sees the registered elements, autodocs read the custom-elements manifest, and the a11y addon runs axe.
// Controls and docs tables come from the manifest (manifest-arg-types.ts): one control per attribute, and every event
// an action logged in the Actions panel under its own name (`idc-success`, …).
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';
import '../src/define.js';
import { argTypesFromManifest, keepManifestNames, type Manifest } from './manifest-arg-types.js';

setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  argTypesEnhancers: [(context) => keepManifestNames(manifest as Manifest, context.component, context.argTypes)],
  parameters: {
    controls: { expanded: true, matchers: { color: /(background|color)$/i, date: /Date$/i } },
    docs: {
      extractArgTypes: (component: unknown) =>
        typeof component === 'string' ? argTypesFromManifest(manifest as Manifest, component) : null,
    },
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
