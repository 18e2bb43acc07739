/**
 * Chrome around a harness page: a router (Grafana renders plugins inside one; `?path=` sets the
 * location), Grafana's global styles for the theme, an error boundary that
 * turns render errors into uncaught page errors (so the browser helper fails the test), and a
 * `data-harness-ready` marker tests wait for instead of sleeping.
 */
import React, { useEffect } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { GlobalStyles } from '@grafana/ui';

class RethrowingBoundary extends React.Component<{ children: React.ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    // A boundary swallows the error; rethrow outside React so Playwright sees a `pageerror`.
    setTimeout(() => {
      throw error;
    });
  }

  render() {
    if (this.state.error) {
      return (
        <pre data-testid="harness-render-error">
          {this.state.error.name}: {this.state.error.message}
        </pre>
      );
    }
    return this.props.children;
  }
}

function ReadyMarker() {
  useEffect(() => {
    document.body.dataset.harnessReady = 'true';
  }, []);
  return null;
}

export function HarnessShell({ pageId, path, children }: { pageId: string; path: string; children: React.ReactNode }) {
  return (
    <MemoryRouter initialEntries={[path]}>
      <GlobalStyles />
      <main data-harness-page={pageId} style={{ padding: 16 }}>
        <RethrowingBoundary>
          <React.Suspense fallback={<span>loading…</span>}>{children}</React.Suspense>
        </RethrowingBoundary>
      </main>
      <ReadyMarker />
    </MemoryRouter>
  );
}
