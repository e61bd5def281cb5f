/** Names a JavaScript/TypeScript module may use without defining or importing them (ES, Node, web, TS utility types). */
const JS_GLOBALS = `globalThis undefined NaN Infinity arguments this super new.target import.meta
Object Function Array Number parseFloat parseInt Boolean String Symbol Date Promise RegExp Error AggregateError EvalError RangeError
ReferenceError SyntaxError TypeError URIError JSON Math Intl ArrayBuffer SharedArrayBuffer Atomics DataView Uint8Array Int8Array
Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array BigInt Map Set
WeakMap WeakSet WeakRef FinalizationRegistry Proxy Reflect isFinite isNaN decodeURI decodeURIComponent encodeURI encodeURIComponent
escape unescape eval console process Buffer require module exports __dirname __filename setTimeout clearTimeout setInterval
clearInterval setImmediate clearImmediate queueMicrotask structuredClone fetch Request Response Headers FormData URL URLSearchParams
AbortController AbortSignal TextEncoder TextDecoder Blob File ReadableStream WritableStream TransformStream EventTarget Event
CustomEvent performance crypto atob btoa navigator window document self location history localStorage sessionStorage alert
HTMLElement Element Node NodeJS global Iterator AsyncIterator Generator AsyncGenerator
Partial Required Readonly Record Pick Omit Exclude Extract NonNullable Parameters ConstructorParameters ReturnType InstanceType
Awaited ThisType Uppercase Lowercase Capitalize Uncapitalize PropertyKey ReadonlyArray ReadonlyMap ReadonlySet Iterable
AsyncIterable IterableIterator PromiseLike ArrayLike TemplateStringsArray unknown any never void object string number boolean
symbol bigint true false null`;

/** Python built-ins (3.12) and module dunders. */
const PY_GLOBALS = `abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir
divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass
iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice
sorted staticmethod str sum super tuple type vars zip __import__ __name__ __file__ __doc__ __package__ __spec__ __loader__
__builtins__ __all__ __debug__ self cls True False None NotImplemented Ellipsis BaseException Exception ArithmeticError
AssertionError AttributeError BlockingIOError BrokenPipeError BufferError ConnectionError EOFError FileExistsError
FileNotFoundError FloatingPointError GeneratorExit ImportError IndexError InterruptedError IsADirectoryError KeyError
KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError
OverflowError PermissionError ProcessLookupError RecursionError ReferenceError RuntimeError StopAsyncIteration StopIteration
SyntaxError SystemError SystemExit TimeoutError TypeError UnboundLocalError UnicodeError UnicodeDecodeError UnicodeEncodeError
ValueError ZeroDivisionError Warning UserWarning DeprecationWarning RuntimeWarning ExceptionGroup BaseExceptionGroup`;

const js = new Set(JS_GLOBALS.split(/\s+/));
const py = new Set(PY_GLOBALS.split(/\s+/));

/** The built-in names of a language (atomizer language names). */
export function builtinGlobals(language: string): ReadonlySet<string> {
  return language === 'python' ? py : js;
}
