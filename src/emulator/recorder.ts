/** Ground-truth store: invocations (bounded) and environments (live ones plus recent retirees). */
import type { EnvironmentInfo, GroundTruthInvocation } from './types.js';

export class Recorder {
  private invocationList: GroundTruthInvocation[] = [];
  private environmentList: EnvironmentInfo[] = [];

  /** Oldest records are dropped past these caps so a long run keeps flat memory. */
  constructor(private readonly maxRecords: number) {}

  invocation(record: GroundTruthInvocation): void {
    this.invocationList.push(record);
    if (this.invocationList.length > this.maxRecords * 1.25) {
      this.invocationList = this.invocationList.slice(-this.maxRecords);
    }
  }

  environment(info: EnvironmentInfo): void {
    this.environmentList.push(info);
    if (this.environmentList.length > this.maxRecords * 1.25) {
      this.environmentList = this.environmentList.slice(-this.maxRecords);
    }
  }

  invocations(): GroundTruthInvocation[] {
    return this.invocationList.slice(-this.maxRecords);
  }

  environments(): EnvironmentInfo[] {
    return this.environmentList.slice(-this.maxRecords).map((e) => ({ ...e }));
  }

  clear(): void {
    this.invocationList = [];
  }
}
