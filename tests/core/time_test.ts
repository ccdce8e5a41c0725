import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { timeDifference, timeGreaterEqual, timeLess, toEnetTime } from "../../src/core/time.ts";
import { List, type ListNode } from "../../src/core/list.ts";

describe("time", () => {
  test("compares across the 32-bit wrap like ENET_TIME_LESS", () => {
    assert.equal(timeLess(1, 2), true);
    assert.equal(timeLess(2, 1), false);
    assert.equal(timeLess(5, 5), false);
    assert.equal(timeLess(0xfffffff0, 5), true);
    assert.equal(timeGreaterEqual(5, 0xfffffff0), true);
    assert.equal(timeDifference(5, 0xfffffff0), 21);
    assert.equal(timeDifference(0xfffffff0, 5), 21);
    assert.equal(toEnetTime(-1), 0xffffffff);
    assert.equal(toEnetTime(12.9), 12);
  });
});

describe("List", () => {
  test("moves runs between lists", () => {
    interface Item extends ListNode {
      v: number;
    }
    const a = new List<Item>();
    const b = new List<Item>();
    const items = [1, 2, 3, 4].map((v) => ({ v }) as Item);
    for (const item of items) a.pushBack(item);
    List.move(b.end, items[1], items[2]);
    const values = (list: List<Item>) => {
      const out: number[] = [];
      for (let n = list.begin(); n !== list.end; n = n.next) out.push((n as Item).v);
      return out;
    };
    assert.deepEqual(values(a), [1, 4]);
    assert.deepEqual(values(b), [2, 3]);
    assert.equal(b.size(), 2);
  });
});
