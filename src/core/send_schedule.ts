/**
 * Which peers the send phase visits: those marked since the last phase (something queued
 * or received) and those whose next deadline (a retransmission timeout or a ping) has come.
 *
 * C ENet walks every peer slot on every send phase. That costs nothing it does not
 * need only because a visit to a peer with nothing due is a no-op, so the host keeps the
 * peers that may have work instead: a phase then costs O(peers with work), and
 * `pollTimeout` is O(1) (the earliest deadline is the top of a binary heap).
 *
 * @module
 */

import type { Peer } from "./peer.ts";

/** Orders a visit list by slot, the order C ENet visits peers in. */
const bySlot = (a: Peer, b: Peer): number => a.incomingPeerID - b.incomingPeerID;

/**
 * The marked peers and a min-heap of peer deadlines on the caller's clock.
 *
 * @example Mark a peer, then take it for a send phase
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "./host.ts";
 * import { SendSchedule } from "./send_schedule.ts";
 *
 * const host = new Host({ peerCount: 2 });
 * const schedule = new SendSchedule();
 * schedule.mark(host.peers[1]);
 * schedule.mark(host.peers[1]);
 * const visit: typeof host.peers[number][] = [];
 * schedule.take(0, visit);
 * assert.deepEqual(visit.map((peer) => peer.incomingPeerID), [1]);
 * ```
 */
export class SendSchedule {
  /** Peers marked since the last send phase, each once. */
  readonly #marked: Peer[] = [];
  /** Peers with a deadline, as a binary min-heap on `dueAt`. */
  readonly #heap: Peer[] = [];
  /** Peers visited by send phases so far (a counter for tests and profiles). */
  visits = 0;

  /** Whether any peer is marked. */
  get hasMarked(): boolean {
    return this.#marked.length > 0;
  }

  /** The earliest deadline on the caller's clock, or `Infinity` when there is none. */
  get earliest(): number {
    return this.#heap.length > 0 ? this.#heap[0].dueAt : Infinity;
  }

  /**
   * Puts a peer on the next send phase's list.
   *
   * @param peer The peer; marking it twice keeps one entry.
   */
  mark(peer: Peer): void {
    if (peer.marked) return;
    peer.marked = true;
    this.#marked.push(peer);
  }

  /**
   * Moves the marked peers and those whose deadline is at or before `now` into `visit`,
   * in slot order, and clears their marks. Due peers leave the heap; a marked peer stays
   * on it at its old deadline (it is taken only once), and the send phase moves it, or
   * puts a due one back, with {@linkcode SendSchedule.reschedule}: one heap update per
   * visit instead of a removal and an insertion.
   *
   * @param now The caller's clock.
   * @param visit An empty array to fill.
   */
  take(now: number, visit: Peer[]): void {
    const marked = this.#marked;
    for (let i = 0; i < marked.length; i++) {
      const peer = marked[i];
      peer.marked = false;
      peer.visiting = true;
      visit.push(peer);
    }
    marked.length = 0;
    const heap = this.#heap;
    while (heap.length > 0 && heap[0].dueAt <= now) {
      const peer = heap[0];
      this.remove(peer);
      // Taken already (marked now, or by a send phase still running): not twice.
      if (peer.visiting) continue;
      peer.visiting = true;
      visit.push(peer);
    }
    if (visit.length > 1) visit.sort(bySlot);
    this.visits += visit.length;
  }

  /**
   * Sets a peer's next deadline, or takes it off the heap.
   *
   * @param peer The peer.
   * @param dueAt When it next needs a send phase on the caller's clock; `Infinity` for never.
   */
  reschedule(peer: Peer, dueAt: number): void {
    peer.visiting = false;
    if (dueAt === Infinity) {
      if (peer.scheduleIndex >= 0) this.remove(peer);
      return;
    }
    const heap = this.#heap;
    let index = peer.scheduleIndex;
    const earlier = index < 0 || dueAt < peer.dueAt;
    peer.dueAt = dueAt;
    if (index < 0) {
      index = heap.length;
      heap.push(peer);
      peer.scheduleIndex = index;
    }
    if (earlier) this.#up(index);
    else this.#down(index);
  }

  /**
   * Takes a peer off the heap (a reset peer has no deadline).
   *
   * @param peer The peer; nothing happens when it has no deadline.
   */
  remove(peer: Peer): void {
    const index = peer.scheduleIndex;
    if (index < 0) return;
    peer.scheduleIndex = -1;
    const heap = this.#heap;
    const last = heap.pop()!;
    if (last === peer) return;
    heap[index] = last;
    last.scheduleIndex = index;
    this.#up(index);
    this.#down(last.scheduleIndex);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const peer = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.dueAt <= peer.dueAt) break;
      heap[index] = parent;
      parent.scheduleIndex = index;
      index = parentIndex;
    }
    heap[index] = peer;
    peer.scheduleIndex = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const peer = heap[index];
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && heap[child + 1].dueAt < heap[child].dueAt) child++;
      const smaller = heap[child];
      if (smaller.dueAt >= peer.dueAt) break;
      heap[index] = smaller;
      smaller.scheduleIndex = index;
      index = child;
    }
    heap[index] = peer;
    peer.scheduleIndex = index;
  }
}
