// The slot-move progress bar of `reshard`, `rebalance`, `add-shard` and `remove-shard` on stderr: one
// line redrawn in a terminal, a line per tenth in a CI log (which keeps every line), nothing under
// --json (stdout is the result, stderr stays quiet).

const WIDTH = 30;

export type SlotProgress = (done: number, total: number, keys: number) => void;

export function slotProgressBar(json: boolean, stream: NodeJS.WriteStream = process.stderr): SlotProgress {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  return (done, total, keys) => {
    if (json || total === 0) return;
    const line = slotProgressLine(done, total, keys);
    if (tty) stream.write(`\r${line}${done === total ? '\n' : ''}`);
    else if (Math.floor((done * 10) / total) > lastTenth) {
      lastTenth = Math.floor((done * 10) / total);
      stream.write(`${line}\n`);
    }
  };
}

/** `[#####.....] 120/400 slots, 37 keys` */
export function slotProgressLine(done: number, total: number, keys: number): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} slots, ${keys} keys`;
}
