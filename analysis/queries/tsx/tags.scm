; inherits: typescript, jsx
; TSX tags: TypeScript plus JSX components.
