// A list in insertion order through the items themselves (each carries its neighbours), as the
// kernel's hlists do: adding and removing neither hash nor allocate. Conntrack's confirmed
// entries and the hashed sockets of a namespace are kept this way.

/** An item's neighbours; whether it is in the list is the owner's to know (a flag it keeps anyway). */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

export class LinkedList<T extends Linked<T>> {
  first: T | undefined = undefined;
  private last: T | undefined = undefined;
  size = 0;

  push(x: T): void {
    x.prev = this.last;
    x.next = undefined;
    if (this.last) this.last.next = x;
    else this.first = x;
    this.last = x;
    this.size++;
  }

  /** Takes out `x`, which must be in the list. */
  remove(x: T): void {
    if (x.prev) x.prev.next = x.next;
    else this.first = x.next;
    if (x.next) x.next.prev = x.prev;
    else this.last = x.prev;
    x.prev = undefined;
    x.next = undefined;
    this.size--;
  }

  /** Empties the list, unlinking every item. */
  clear(): void {
    for (let x = this.first; x; ) {
      const next = x.next;
      x.prev = undefined;
      x.next = undefined;
      x = next;
    }
    this.first = undefined;
    this.last = undefined;
    this.size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let x = this.first; x; x = x.next) yield x;
  }
}
