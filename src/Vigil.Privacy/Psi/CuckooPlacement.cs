namespace Vigil.Privacy.Psi;

/// <summary>Places entries in a two-choice cuckoo table, one entry per slot, evicting along a random walk.</summary>
internal static class CuckooPlacement
{
    private const int MaxEvictions = 100_000;

    /// <summary>For each slot, the index of the entry placed there, or -1 for an empty slot.</summary>
    public static int[] Place(IReadOnlyList<byte[]> entries, int slotCount, byte[] nonce1, byte[] nonce2, out int dropped)
    {
        // Both slots of every entry up front, on every core: the walk below then only reads arrays.
        var first = new int[entries.Count];
        var second = new int[entries.Count];
        Parallel.For(0, entries.Count, e =>
        {
            first[e] = PublicTable.Slot(0, entries[e], nonce1, nonce2, slotCount);
            second[e] = PublicTable.Slot(1, entries[e], nonce1, nonce2, slotCount);
        });
        var table = new int[slotCount];
        Array.Fill(table, -1);
        var rng = new Random(unchecked((int)BitConverter.ToUInt32(nonce1, 0)));
        dropped = 0;
        for (int e = 0; e < entries.Count; e++)
        {
            int homeless = e;
            int slot = first[homeless];
            bool placed = false;
            for (int kick = 0; kick < MaxEvictions; kick++)
            {
                int other = second[homeless] == slot ? first[homeless] : second[homeless];
                if (table[slot] < 0)
                {
                    table[slot] = homeless;
                    placed = true;
                    break;
                }
                if (table[other] < 0)
                {
                    table[other] = homeless;
                    placed = true;
                    break;
                }
                // Both taken: evict one of the two occupants at random and place it elsewhere.
                int victimSlot = rng.Next(2) == 0 ? slot : other;
                (table[victimSlot], homeless) = (homeless, table[victimSlot]);
                slot = first[homeless] == victimSlot ? second[homeless] : first[homeless];
            }
            if (!placed)
                dropped++;
        }
        return table;
    }
}
