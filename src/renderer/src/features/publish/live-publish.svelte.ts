// Publishes as they happen (onDidProgressPublish / onDidFinishPublish), kept
// outside the view so leaving the Publish view and coming back still shows a
// publish in flight and its result.

import type { PublishProgress, PublishRequest, PublishSummary } from '../../../../shared/contract';
import { api, errorMessage } from '../../lib/api';

export interface LivePublish {
  publishId: string;
  request: PublishRequest;
  startedAt: number;
  completed: number;
  total: number;
  rows: number;
  partition: string | null;
  phase: PublishProgress['phase'] | 'starting';
  /** The newest lines worth showing (retries, failures, skips). */
  messages: string[];
  cancelling: boolean;
  result: PublishSummary | null;
  error: string | null;
}

class LivePublishes {
  current = $state<LivePublish | null>(null);
  /** Bumped when a publish finishes: the history re-loads. */
  finishedCount = $state(0);
  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    api.on('onDidProgressPublish', (p) => {
      const c = this.current;
      if (!c || c.publishId !== p.publishId) return;
      c.completed = p.completed;
      c.total = p.total;
      c.partition = p.partition;
      c.phase = p.phase;
      if (p.phase === 'done') c.rows += p.rows;
      if (p.message) c.messages = [...c.messages, `${p.partition ?? 'table'}: ${p.message}`].slice(-20);
      else if (p.phase === 'skipped')
        c.messages = [
          ...c.messages,
          `${p.partition ?? 'table'}: skipped, this version is already published`,
        ].slice(-20);
    });
    api.on('onDidFinishPublish', (s) => {
      const c = this.current;
      if (c && c.publishId === s.publishId) {
        c.result = s;
        c.rows = s.rows;
        c.cancelling = false;
      }
      this.finishedCount += 1;
    });
  }

  async begin(request: PublishRequest): Promise<void> {
    this.start();
    const { publishId } = await api.call('publish.start', request);
    // Progress may already have arrived for an id we did not know yet; counts catch up on the next event.
    this.current = {
      publishId,
      request,
      startedAt: Date.now(),
      completed: 0,
      total: 0,
      rows: 0,
      partition: null,
      phase: 'starting',
      messages: [],
      cancelling: false,
      result: null,
      error: null,
    };
  }

  async cancel(): Promise<void> {
    const c = this.current;
    if (!c || c.result) return;
    c.cancelling = true;
    try {
      await api.call('publish.cancel', { publishId: c.publishId });
    } catch (e) {
      c.cancelling = false;
      c.error = errorMessage(e);
    }
  }

  clear(): void {
    if (this.current?.result) this.current = null;
  }
}

export const livePublish = new LivePublishes();
