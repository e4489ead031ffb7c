import React, { useState } from "react";
import { Button } from "./Button";

// The root component.
export function App(): JSX.Element {
  const [count, setCount] = useState(0);
  return (
    <main>
      <Button label={`Clicked ${count}`} onClick={() => setCount(count + 1)} />
    </main>
  );
}
