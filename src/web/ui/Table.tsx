import type { ReactNode } from "react";

/** A bordered list table: one header row of column names, the rows given as children. */
export function Table({
  columns,
  children,
  className = "",
}: {
  columns: { key: string; label: ReactNode }[];
  children: ReactNode;
  className?: string;
}) {
  return (
    <table
      className={`w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-left text-sm ${className}`}
    >
      <thead className="bg-slate-100 text-slate-700">
        <tr>
          {columns.map((column) => (
            <th key={column.key} scope="col" className="px-4 py-2 font-medium">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
