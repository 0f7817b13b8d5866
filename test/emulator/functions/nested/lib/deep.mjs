export async function handler() {
  return { where: 'nested/lib/deep.mjs', cwd: process.cwd() };
}
