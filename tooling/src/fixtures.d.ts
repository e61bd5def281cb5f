export declare const repoRoot: string;
export declare const sharedFixtures: string;
export declare const realWorld: string;
export declare const hasSharedFixtures: boolean;
export declare function describeWithFixtures(name: string, fn: () => void): void;
export declare function itWithFixtures(name: string, fn: (...args: any[]) => any, timeout?: number): void;
