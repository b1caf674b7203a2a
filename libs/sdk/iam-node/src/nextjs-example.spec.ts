import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

const REPO = join(__dirname, '../../../..');

/**
 * The part of `next/server` (Next.js 15) the example uses, as Next declares it: Next.js itself is
 * not installed here (it is large), so this checks the example against the SDK's real types and
 * these signatures.
 */
const NEXT_SERVER = `
export declare class NextURL extends URL {}
export interface RequestCookie { name: string; value: string }
export declare class RequestCookies { get(name: string): RequestCookie | undefined; has(name: string): boolean }
export declare class NextRequest extends Request {
  readonly cookies: RequestCookies;
  readonly nextUrl: NextURL;
}
interface MiddlewareResponseInit extends ResponseInit { request?: { headers?: Headers } }
export declare class NextResponse<Body = unknown> extends Response {
  static json<JsonBody>(body: JsonBody, init?: ResponseInit): NextResponse<JsonBody>;
  static redirect(url: string | NextURL | URL, init?: number | ResponseInit): NextResponse;
  static rewrite(destination: string | NextURL | URL, init?: MiddlewareResponseInit): NextResponse;
  static next(init?: MiddlewareResponseInit): NextResponse;
  private readonly body_?: Body;
}
`;

describe('docs/examples/nextjs', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'next-server-'));
    writeFileSync(join(dir, 'server.d.ts'), NEXT_SERVER);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('middleware.ts typechecks (strict) against @sigma/iam-node', () => {
    const program = ts.createProgram([join(REPO, 'docs/examples/nextjs/middleware.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [join(REPO, 'node_modules/@types')],
      baseUrl: REPO,
      paths: {
        'next/server': [join(dir, 'server.d.ts')],
        '@sigma/iam-node': ['libs/sdk/iam-node/src/index.ts'],
        '@sigma/iam-js': ['libs/sdk/iam-js/src/index.ts'],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
