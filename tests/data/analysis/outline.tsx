import React from "react";

interface Props {
  title: string;
}

export const Header = ({ title }: Props) => <h1>{title}</h1>;

export function App(): JSX.Element {
  return (
    <div>
      <Header title="hi" />
    </div>
  );
}

class Counter extends React.Component<Props> {
  render() {
    return <span>{this.props.title}</span>;
  }
}
