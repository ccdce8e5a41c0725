/**
 * The DTLS anti-replay window (RFC 6347 4.1.2.6) over 48-bit record sequence numbers.
 *
 * @module
 */

const WINDOW = 64;

/** Remembers which of the last 64 sequence numbers of one epoch were accepted. */
export class ReplayWindow {
  #epoch = -1;
  #top = -1; // highest accepted sequence number
  readonly #seen = new Uint8Array(WINDOW); // slot seq % 64 is 1 when seq (within the window) was accepted

  /**
   * @param epoch Record epoch.
   * @param sequence Record sequence number.
   * @returns Whether a record with these numbers may be accepted (not seen, not too old).
   */
  check(epoch: number, sequence: number): boolean {
    if (epoch !== this.#epoch) return epoch > this.#epoch;
    if (sequence > this.#top) return true;
    if (this.#top - sequence >= WINDOW) return false;
    return this.#seen[sequence % WINDOW] === 0;
  }

  /**
   * Marks a record as accepted (after it authenticated).
   *
   * @param epoch Record epoch.
   * @param sequence Record sequence number.
   */
  accept(epoch: number, sequence: number): void {
    if (epoch !== this.#epoch) {
      if (epoch < this.#epoch) return;
      this.#epoch = epoch;
      this.#top = sequence;
      this.#seen.fill(0);
    } else if (sequence > this.#top) {
      const shift = sequence - this.#top;
      if (shift >= WINDOW) this.#seen.fill(0);
      else for (let s = this.#top + 1; s <= sequence; s++) this.#seen[s % WINDOW] = 0;
      this.#top = sequence;
    }
    this.#seen[sequence % WINDOW] = 1;
  }
}
