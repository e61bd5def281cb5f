/** Names every JS/TS program may use without defining or importing them. */
export const JS_GLOBALS = new Set(
  (
    'undefined NaN Infinity globalThis window self document navigator location console process require module exports __dirname __filename ' +
    'Object Function Array Number String Boolean Symbol BigInt Math JSON Date RegExp Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError ' +
    'Promise Map Set WeakMap WeakSet WeakRef FinalizationRegistry Proxy Reflect ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array ' +
    'Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Intl URL URLSearchParams TextEncoder TextDecoder AbortController AbortSignal Buffer ' +
    'setTimeout clearTimeout setInterval clearInterval setImmediate clearImmediate queueMicrotask structuredClone fetch Request Response Headers FormData Blob File Event EventTarget ' +
    'parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI escape unescape eval arguments this super crypto performance global ' +
    'HTMLElement Element Node localStorage sessionStorage alert atob btoa WebSocket Worker MessageChannel ReadableStream WritableStream TransformStream'
  ).split(' '),
);

/** Built-in TypeScript type names. */
export const TS_TYPES = new Set(
  (
    'string number boolean bigint symbol object unknown any never void null undefined Array ReadonlyArray Promise PromiseLike Record Partial Required Readonly Pick Omit ' +
    'Exclude Extract NonNullable ReturnType Parameters InstanceType ConstructorParameters Awaited ThisType Uppercase Lowercase Capitalize Uncapitalize Map Set WeakMap WeakSet ReadonlyMap ' +
    'ReadonlySet Iterable Iterator IterableIterator AsyncIterable AsyncIterator AsyncIterableIterator Generator AsyncGenerator Function Object String Number Boolean Date RegExp Error ' +
    'ArrayLike PropertyKey Uint8Array ArrayBuffer Buffer NodeJS JSX React TemplateStringsArray Symbol BigInt Element HTMLElement Event URL AbortSignal Response Request Headers'
  ).split(' '),
);

/** Python built-ins (functions, constants, exceptions, common typing names). */
export const PY_BUILTINS = new Set(
  (
    'print len range enumerate zip map filter sorted reversed sum min max abs all any round divmod pow hash id iter next open input repr str int float bool ' +
    'bytes bytearray list dict set frozenset tuple type object super property staticmethod classmethod isinstance issubclass getattr setattr hasattr delattr callable vars dir locals ' +
    'globals format chr ord bin oct hex complex slice memoryview compile exec eval help NotImplemented Ellipsis None True False self cls __name__ __file__ __doc__ __all__ __import__ ' +
    'Exception BaseException ValueError TypeError KeyError IndexError AttributeError RuntimeError NotImplementedError StopIteration StopAsyncIteration OSError IOError FileNotFoundError ' +
    'PermissionError ZeroDivisionError ArithmeticError AssertionError ImportError ModuleNotFoundError LookupError NameError UnicodeError UnicodeDecodeError UnicodeEncodeError ' +
    'KeyboardInterrupt SystemExit GeneratorExit EOFError MemoryError OverflowError RecursionError TimeoutError ConnectionError BrokenPipeError Warning UserWarning DeprecationWarning ' +
    'RuntimeWarning SyntaxError IndentationError TabError EnvironmentError ChildProcessError BlockingIOError InterruptedError IsADirectoryError NotADirectoryError ProcessLookupError ' +
    'FileExistsError ResourceWarning FutureWarning PendingDeprecationWarning ImportWarning UnicodeWarning BytesWarning ExceptionGroup BaseExceptionGroup aiter anext breakpoint'
  ).split(' '),
);
