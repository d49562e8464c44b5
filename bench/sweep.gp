# gnuplot script of bench/run: requests/s and p99 latency against
# connections.  Variables (set with -e): dat, out, name.
set terminal png size 900,560 font ",10"
set output out
set title sprintf("%s: requests/s and p99 latency vs. connections", name)
set logscale x 2
set xlabel "connections (wrk, log scale)"
set ylabel "requests/s"
set y2label "p99 latency (ms)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid xtics ytics
set key top left opaque box
if (!exists("xmax")) xmax = 340
set xrange [0.75:xmax]
set datafile commentschars "#"
plot dat using 1:2:xtic(1) axes x1y1 with linespoints lw 2 pt 7 title "requests/s", \
     dat using 1:4 axes x1y2 with linespoints lw 2 pt 5 dt 2 title "p99 (ms)"
