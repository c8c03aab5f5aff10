# Learned density of a 1-D run against the true N(mean, std) density and a
# histogram of samples from the model. Restyle and re-render with:
#   gnuplot -e "run='runs/ffjord_normal_1d'; mean=6.0; std=0.7" scripts/plot_density_1d.gp
if (!exists("run")) run = 'runs/ffjord_normal_1d'
if (!exists("mean")) mean = 6.0
if (!exists("std")) std = 0.7

set terminal pngcairo size 900,560 font ",11"
set output run.'/density.png'
set datafile separator ','
set key top right
set xlabel 'x'
set ylabel 'density'
set title 'FFJORD on N(6, 0.7): learned density, true density and model samples'

bin = 0.1
stats run.'/samples_10000.csv' using 1 nooutput
samples = STATS_records
set boxwidth bin
set style fill transparent solid 0.35 noborder
true_pdf(x) = exp(-0.5 * ((x - mean) / std)**2) / (std * sqrt(2 * pi))

plot run.'/samples_10000.csv' using (bin * floor($1 / bin) + bin / 2):(1.0 / (bin * samples)) \
       smooth frequency with boxes lc rgb '#f0a050' title 'samples from the model (10 000)', \
     run.'/density.csv' using 1:(exp($2)) with lines lw 2.5 lc rgb '#1f4e9a' title 'learned density', \
     true_pdf(x) with lines lw 1.5 dt 2 lc rgb '#202020' title 'true N(6, 0.7)'
