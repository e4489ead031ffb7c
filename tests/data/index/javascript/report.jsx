import React from "react";
import { formatMoney, reportPath } from "./format";

/** Renders one report row. */
class ReportRow extends React.Component {
  constructor(props) {
    super(props);
    this.state = { open: false };
  }

  // The label shown in the first cell.
  label = "Total";

  render() {
    return <div className="row"><Cell value={formatMoney(this.props.amount)} /></div>;
  }
}

function Cell({ value }) {
  return <span>{value}</span>;
}

export default ReportRow;
export { reportPath };
