// Placeholder replaced by the foundation harness (creates the migrated template database).
export default async function setup(): Promise<void> {}
