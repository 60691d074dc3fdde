using System.Text;

namespace Vigil.Storage.Sql;

/// <summary>
/// The <c>VALUES</c> list of a multi-row INSERT with positional parameters: one statement writes a
/// whole batch on both engines (a round trip per row would cost PostgreSQL more than the rows).
/// </summary>
internal static class MultiRowValues
{
    /// <summary>
    /// How many rows of <paramref name="columns"/> parameters one statement takes: about 2,000
    /// parameters, well under SQLite's limit of 32,766 (and PostgreSQL's of 65,535).
    /// </summary>
    public static int RowsPerStatement(int columns) => Math.Max(1, 2_000 / columns);

    /// <summary><c>($1, $2), ($3, $4)</c> for two rows of two columns.</summary>
    public static string Of(int rows, int columns)
    {
        var sql = new StringBuilder(rows * columns * 5);
        for (int row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (int column = 0; column < columns; column++)
                sql.Append(column == 0 ? "$" : ", $").Append(row * columns + column + 1);
            sql.Append(')');
        }
        return sql.ToString();
    }
}
