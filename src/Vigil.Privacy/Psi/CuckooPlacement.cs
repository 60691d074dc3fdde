namespace Vigil.Privacy.Psi;

/// <summary>Places entries in a cuckoo table of d choices, one entry per slot, evicting along a random walk.</summary>
internal static class CuckooPlacement
{
    private const int MaxEvictions = 100_000;

    /// <summary>For each slot, the index of the entry placed there, or -1 for an empty slot.</summary>
    public static int[] Place(IReadOnlyList<byte[]> entries, int slotCount, int choices, byte[] nonce1, byte[] nonce2, out int dropped)
    {
        // Every entry's slots up front, on every core: the walk below then only reads an array.
        var candidates = new int[entries.Count * choices];
        Parallel.For(0, entries.Count, e => PublicTable.Slots(entries[e], nonce1, nonce2, slotCount, candidates.AsSpan(e * choices, choices)));
        var table = new int[slotCount];
        Array.Fill(table, -1);
        var rng = new Random(unchecked((int)BitConverter.ToUInt32(nonce1, 0)));
        dropped = 0;
        for (int e = 0; e < entries.Count; e++)
        {
            int homeless = e;
            int cameFrom = -1;
            bool placed = false;
            for (int kick = 0; kick < MaxEvictions && !placed; kick++)
            {
                var mine = candidates.AsSpan(homeless * choices, choices);
                foreach (int slot in mine)
                {
                    if (table[slot] < 0)
                    {
                        table[slot] = homeless;
                        placed = true;
                        break;
                    }
                }
                if (placed)
                    break;
                // All taken: evict the occupant of a random one of its slots (not the one it was just
                // pushed out of) and carry that entry on.
                int victimSlot;
                do
                {
                    victimSlot = mine[rng.Next(choices)];
                }
                while (victimSlot == cameFrom);
                (table[victimSlot], homeless) = (homeless, table[victimSlot]);
                cameFrom = victimSlot;
            }
            if (!placed)
                dropped++;
        }
        return table;
    }
}
