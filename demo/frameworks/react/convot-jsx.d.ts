// Tells TypeScript's JSX about <convot-widget> (its class comes with `import 'convot/convot-widget.js'`,
// which adds it to HTMLElementTagNameMap): its properties, and its events as React 19 binds them.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

type ConvotWidget = HTMLElementTagNameMap['convot-widget'];

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'convot-widget': DetailedHTMLProps<HTMLAttributes<ConvotWidget>, ConvotWidget> &
        Partial<Pick<ConvotWidget, 'server' | 'locale' | 'themeColor' | 'position' | 'mode'>> & {
          'app-id'?: string;
          'onconvot-chat-opened'?: (e: Event) => void;
          'onconvot-chat-closed'?: (e: Event) => void;
        };
    }
  }
}
