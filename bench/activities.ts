export async function touch(): Promise<number> {
  return Date.now();
}
