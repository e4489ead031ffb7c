import React from "react";

/** Props of {@link Button}. */
export interface ButtonProps {
  label: string;
  onClick?: () => void;
}

/** A clickable button. */
export const Button = ({ label, onClick }: ButtonProps) => (
  <button onClick={onClick}>{label}</button>
);
