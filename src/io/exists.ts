import { access } from 'node:fs/promises';

/** Whether a path exists (readable or not): for optional files of a run folder. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
